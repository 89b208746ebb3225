#@ title: arithmetic and logical compares in every form, CLM
#@ expect 800 00000000 00000002 00000001
        .include "s370.inc"
        lowcore
        la      %r13,results
        l       %r1,five
        c       %r1,five            # equal: cc 0
        reccc
        c       %r1,minus1          # 5 > -1 arithmetically: cc 2
        reccc
        cl      %r1,minus1          # 5 < FFFFFFFF logically: cc 1
        reccc
        l       %r2,minus1
        cr      %r2,%r1
        reccc
        clr     %r2,%r1
        reccc
        ch      %r1,halfneg         # halfword sign-extended
        reccc
        ch      %r1,half5
        reccc
        cli     byte,0x80
        reccc
        cli     byte,0x7f
        reccc
        cli     byte,0x81
        reccc
        clc     str1(5),str2        # "ABCDE" vs "ABCDF": low
        reccc
        clc     str2(5),str1
        reccc
        clc     str1(4),str2
        reccc
        clc     str1(1),str1        # length 1
        reccc
        l       %r3,word
        clm     %r3,5,cmpb          # bytes 1 and 3 of r3 (34, 78) against 34 78
        reccc
        clm     %r3,10,cmpb         # bytes 0 and 2 (12, 56) against 34 78: low
        reccc
        clm     %r3,0,cmpb          # mask 0: cc 0
        reccc
        clm     %r3,15,cmpw         # all four bytes against 12345677: high
        reccc
        eoj

        .balign 4
five:   .long   5
minus1: .long   -1
word:   .long   0x12345678
cmpw:   .long   0x12345677
halfneg: .short -3
half5:  .short  5
byte:   .byte   0x80
cmpb:   .byte   0x34, 0x78
str1:   .ascii  "ABCDE"
str2:   .ascii  "ABCDF"
        .org    0x800
results: .space 128
