#@ title: COMPARE AND SWAP and COMPARE DOUBLE AND SWAP, both outcomes
#@ expect 800 00000000 00000001 22222222 00000000 00000001
        .include "s370.inc"
        lowcore
        la      %r13,results
        l       %r2,old             # CS: equal, the word is replaced
        l       %r3,new
        cs      %r2,%r3,word
        reccc
        l       %r2,old             # CS: unequal, R1 gets the current word
        cs      %r2,%r3,word
        reccc
        rec     %r2
        lm      %r4,%r5,dold        # CDS: equal
        lm      %r6,%r7,dnew
        cds     %r4,%r6,dword
        reccc
        lm      %r4,%r5,dold        # CDS: unequal
        cds     %r4,%r6,dword
        reccc
        rec     %r4
        rec     %r5
        eoj

        .balign 8
old:    .long   0x11111111
new:    .long   0x22222222
dold:   .long   0x33333333, 0x44444444
dnew:   .long   0x55555555, 0x66666666
        .org    0x800
results: .space 32
word:   .long   0x11111111
        .balign 8
dword:  .long   0x33333333, 0x44444444
