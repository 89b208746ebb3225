#@ title: LPSW of invalid EC PSWs: specification exception after loading (ILC 0, the
#@ title: invalid PSW stored as the old PSW)
#@ expect 900 80080000 00000300 00000006 00080000 80000300 00000006
# (An odd instruction address is recognized on fetch with a model-dependent ILC of
# 1, 2 or 3 and a matching address increment: not compared.)
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,0x900
        la      %r14,1f
        lpsw    bad_bit0            # EC PSW with bit 0 on
1:      la      %r14,2f
        lpsw    bad_bit24           # EC PSW with bit 24 on
2:      eoj

onpgm:  mvc     0(8,%r13),0x28      # program old PSW, then the EC code field
        mvc     8(4,%r13),0x8c
        la      %r13,12(%r13)
        st      %r14,resume+4
        lpsw    resume

        .balign 8
resume: .long   0x00000000, 0
bad_bit0: .long 0x80080000, 0x00000300
bad_bit24: .long 0x00080000, 0x80000300
        .org    0x900
results: .space 64
