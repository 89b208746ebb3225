#@ title: MONITOR CALL in EC mode: class and code stored at 0x94-0x9F, interruption code 0040
#@ expect 8c 00040040
#@ expect 910 000f0000 00000000 00000221
        .include "s370.inc"
        lowcore mode=ec, pgm=onpgm
        la      %r13,0x900
        lctl    8,8,cr8             # monitor masks: classes 0 and 15
        la      %r1,0x0fe
        mc      0x123(%r1),15       # monitor code 000221 (the effective address)
        mc      0(%r1),5            # class 5 masked: nothing
        mc      0x7ff,0
        eoj     mode=ec

onpgm:  mvc     0(8,%r13),0x28      # program old PSW, then 0x8C-0x9F
        mvc     8(20,%r13),0x8c
        la      %r13,28(%r13)
        lpsw    0x28

        .balign 4
cr8:    .long   0x00008001
        .org    0x900
results: .space 64
