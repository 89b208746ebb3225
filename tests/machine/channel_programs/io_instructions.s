#@ title: SIO, TIO, HIO, CLRIO, TCH, STIDC condition codes and CSWs on a 3350 at 190
#@ timeout 20
        .include "s370.inc"
        lowcore
        .macro  rec_cc
        balr    %r15,0
        st      %r15,0(%r13)
        mvc     4(8,%r13),0x40
        xc      0x40(8,%r0),0x40
        la      %r13,12(%r13)
        .endm
        .macro  delay
        l       %r5,count
9:      bct     %r5,9b
        .endm
        l       %r13,resptr
        la      %r1,nop
        st      %r1,0x48
        .insn   s,0x9c000000,0x190(%r0)   # SIO NOP
        rec_cc
        delay
        .insn   s,0x9d000000,0x190(%r0)   # TIO: pending ending
        rec_cc
        .insn   s,0x9d000000,0x190(%r0)   # TIO: nothing
        rec_cc
        .insn   s,0x9c000000,0x190(%r0)   # SIO
        rec_cc
        delay
        .insn   s,0x9c000000,0x190(%r0)   # SIO with an ending pending
        rec_cc
        delay
        .insn   s,0x9e000000,0x190(%r0)   # HIO, nothing running
        rec_cc
        .insn   s,0x9c000000,0x190(%r0)   # SIO
        rec_cc
        delay
        .insn   s,0x9d010000,0x190(%r0)   # CLRIO with an ending pending
        rec_cc
        .insn   s,0x9d000000,0x190(%r0)   # TIO after CLRIO
        rec_cc
        .insn   s,0x9f000000,0x100(%r0)   # TCH 1
        rec_cc
        .insn   s,0x9f000000,0x300(%r0)   # TCH 3 (no devices)
        rec_cc
        .insn   s,0x9c000000,0x1ff(%r0)   # SIO to no device
        rec_cc
        .insn   s,0xb2030000,0x100(%r0)   # STIDC 1
        rec_cc
        mvc     0(4,%r13),0xa8
        eoj
        .balign 8
nop:    .long   0x03000000, 0x20000001
count:  .long   200000
resptr: .long   0x1000
        .org    0x1100
        .long   0
