#@ title: smoke test of the harness itself
#@ expect gpr 1 0000000c
#@ expect gpr 3 6000020c
#@ expect 400 0000000c
#@ expect psw 00020000 0000ee00
        .include "s370.inc"
        lowcore
        la      %r1,5
        la      %r2,7
        ar      %r1,%r2
        balr    %r3,0
        st      %r1,0x400(0)
        eoj
