#@ title: single and double shifts, logical and arithmetic, with condition codes
#@ expect gpr 1 00000000
        .include "s370.inc"
        lowcore
        la      %r13,results
        l       %r2,pat
        sll     %r2,4
        rec     %r2
        l       %r2,pat
        srl     %r2,36(%r0)         # shift amount is the low 6 bits: 36
        rec     %r2
        l       %r2,pat
        la      %r3,1
        sll     %r2,0(%r3)          # shift amount from a register
        rec     %r2
        l       %r4,pat
        l       %r5,pat2
        sldl    %r4,12
        rec     %r4
        rec     %r5
        l       %r4,pat
        l       %r5,pat2
        srdl    %r4,40
        rec     %r4
        rec     %r5
        l       %r6,neg
        sra     %r6,3
        reccc
        rec     %r6
        l       %r6,neg
        sra     %r6,63              # all sign bits
        reccc
        rec     %r6
        la      %r6,0
        sra     %r6,1
        reccc
        l       %r6,small
        sla     %r6,2
        reccc
        rec     %r6
        l       %r6,small
        sla     %r6,30              # overflow, mask off: cc 3, sign kept
        reccc
        rec     %r6
        l       %r6,neg
        sla     %r6,1
        reccc
        rec     %r6
        l       %r8,neg
        l       %r9,pat
        srda    %r8,8
        reccc
        rec     %r8
        rec     %r9
        la      %r8,1
        la      %r9,0
        slda    %r8,31              # overflow into the sign: cc 3
        reccc
        rec     %r8
        rec     %r9
        la      %r8,0
        la      %r9,0
        slda    %r8,5
        reccc
        la      %r1,0
        eoj

        .balign 4
pat:    .long   0x12345678
pat2:   .long   0x9abcdef0
neg:    .long   0x80000010
small:  .long   0x00000013
        .org    0x800
results: .space 128
