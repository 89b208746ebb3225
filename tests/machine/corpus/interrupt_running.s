#@ title: a CPU-timer external interruption taken while instructions run (not from a wait)
#@ ignore gpr 1
#@ ignore 18-1f
#@ expect 900 00001005
        .include "s370.inc"
        lowcore ext=onext
        stctl   0,0,cr0
        ni      cr0+3,0x7f          # interval timer subclass off
        oi      cr0+2,0x04          # CPU timer subclass on (CR0 bit 21)
        lctl    0,0,cr0
        spt     cputime             # about 1 ms
        ssm     extmask             # enable external interruptions
        la      %r1,0
1:      la      %r1,1(%r1)          # count until the timer interrupts
        b       1b

onext:  mvc     0x902(2),0x1a       # the interruption code only: where it hit varies
        eoj

        .balign 8
cputime: .long  0x00000000, 0x00400000
cr0:    .long   0
extmask: .byte  0x01
        .org    0x900
results: .space 16
