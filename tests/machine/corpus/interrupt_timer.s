#@ title: interval timer at X'50' interrupts an enabled wait (external code 0080)
#@ expect psw 00020000 00000058
#@ expect 18 01020080
        .include "s370.inc"
        lowcore
        mvc     0x50(4),tval        # 2 units of bit 23: about 7 ms
        lpsw    waitpsw             # enabled (external) wait, CR0 timer mask is on
        eoj     code=0xBAD0

        .balign 8
waitpsw: .long  0x01020000, 0x00000300
tval:   .long   0x00000200
