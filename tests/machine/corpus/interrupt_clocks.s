#@ title: CPU timer (1005) and clock comparator (1004) interrupts out of enabled waits
#@ ignore gpr 2 3
#@ ignore 920-927
#@ expect 900 01021005
#@ expect 908 01021004
        .include "s370.inc"
        lowcore ext=onext
        la      %r13,0x900
        stctl   0,0,cr0
        oc      cr0(4),masks        # CR0 bits 20-21: clock comparator and CPU timer
        ni      cr0+3,0x7f          # interval timer subclass off
        lctl    0,0,cr0
        sckc    maxtod              # clock comparator out of the way first
        spt     cputime             # CPU timer: about 1 ms
        lpsw    wait1
1:      spt     never               # CPU timer far away again
        stck    tod
        lm      %r2,%r3,tod
        al      %r3,ahead           # comparator about 4 ms from now
        bc      12,3f               # no carry out of the low word
        al      %r2,one
3:      stm     %r2,%r3,tod
        sckc    tod
        lpsw    wait2
2:      eoj

onext:  ni      0x1c,0x3f           # its BC-mode ILC is unpredictable: clear it
        mvc     0(8,%r13),0x18      # record the external old PSW
        la      %r13,8(%r13)
        l       %r4,0x1c            # resume at the next step
        la      %r4,8(%r4)          #   (the wait PSW address + 8 is the step label)
        st      %r4,resume+4
        lpsw    resume

        .balign 8
cputime: .long  0x00000000, 0x00400000
never:  .long   0x7fffffff, 0xffffffff
maxtod: .long   0xffffffff, 0xffffffff
cr0:    .long   0
masks:  .long   0x00000c00
ahead:  .long   0x00fa0000
one:    .long   1
        .balign 8
resume: .long   0x00000000, 0
wait1:  .long   0x01020000, 1b-8
wait2:  .long   0x01020000, 2b-8
        .org    0x900
results: .space 16
        .org    0x920
tod:    .long   0, 0
