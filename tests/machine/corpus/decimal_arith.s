#@ title: AP SP ZAP CP MP DP SRP: results, signs, condition codes, overflow with the mask off
#@ expect 800 00738 85c
#@ expect 840 0123456 60c
#@ expect 850 38460d01 8c
        .include "s370.inc"
        lowcore
        la      %r13,results
        ap      a1(4),c1(3)         # the manual's example: 112,345 + -38,460: cc 2
        reccc
        ap      a2(1),c2(1)         # 9 + 1 loses a carry: 0C, cc 3 (mask off)
        reccc
        ap      a3(1),c3(1)         # -9 + -1: zero result keeps the minus sign: cc 3
        reccc
        ap      a4(2),c4(1)         # -2 + 2: plus zero, cc 0
        reccc
        ap      a5(1),a5(1)         # minus zero added to itself: plus zero
        reccc
        sp      a6(2),a6(2)         # a field subtracted from itself
        reccc
        sp      a7(2),c7(1)         # 3 - 5 = -2: cc 1
        reccc
        ap      a8(1),c8(3)         # longer second operand with significant digits: cc 3
        reccc
        ap      a9(2),c9(1)         # sign codes F and A in, preferred C out
        reccc
        zap     z1(3),c10(2)        # first operand not checked (FF FF FF)
        reccc
        zap     z2(1),c11(2)        # -100 into one byte: 0D, cc 3
        reccc
        zap     z3(2),c12(2)        # minus zero: plus zero, cc 0
        reccc
        zap     zo(4),zo+1(2)       # overlap, first operand's rightmost byte further right
        reccc
        cp      c13(1),c14(1)       # +0 = -0
        reccc
        cp      c15(2),c16(2)       # 123 < 124
        reccc
        cp      c17(2),c18(2)       # -123 > -124
        reccc
        cp      c19(1),c20(3)       # 1 > -99999
        reccc
        mp      m1(5),m2(2)         # the manual's example: -38,460 x -321
        mp      m3(2),m4(1)         # zero product keeps the algebraic sign: 00 0D
        mp      m5(4),m6(2)         # 999 x 999
        dp      d1(5),d2(2)         # the manual's example: 12,345,678 / -321
        dp      d3(2),d4(1)         # -1 / 2: quotient -0, remainder -1
        dp      d5(2),d6(1)         # -6 / 2: remainder -0
        dp      d7(3),d8(2)         # 999 / 999
        reccc                       # MP and DP leave the cc alone
        srp     s1(6),3,0           # the manual's left shift by 3
        reccc
        srp     s2(5),64-3,5        # the manual's right shift by 3, rounded
        reccc
        srp     s3(5),61,5          # rounds to zero: plus zero, cc 0
        reccc
        srp     s4(2),1,0           # a nonzero digit lost: cc 3
        reccc
        srp     s5(2),2,0           # overflow leaves a zero with the minus sign
        reccc
        srp     s6(2),0,0           # no shift: -0 becomes +0
        reccc
        srp     s7(2),63,9          # rounding carry propagates
        reccc
        la      %r1,0xfff           # low six bits 111111: one digit right
        srp     s8(2),0(%r1),5
        reccc
        srp     s9(2),32,0          # 32 digits right: all gone
        reccc
        eoj

        .org    0x800
a1:     .byte   0x01,0x12,0x34,0x5c
c1:     .byte   0x38,0x46,0x0d
a2:     .byte   0x9c
c2:     .byte   0x1c
a3:     .byte   0x9d
c3:     .byte   0x1d
a4:     .byte   0x00,0x2d
c4:     .byte   0x2c
a5:     .byte   0x0d
a6:     .byte   0x12,0x3d
a7:     .byte   0x00,0x3c
c7:     .byte   0x5c
a8:     .byte   0x1c
c8:     .byte   0x01,0x00,0x0c
a9:     .byte   0x12,0x3f
c9:     .byte   0x1a
z1:     .byte   0xff,0xff,0xff
c10:    .byte   0x12,0x3f
z2:     .byte   0x77
c11:    .byte   0x10,0x0d
z3:     .byte   0x55,0x55
c12:    .byte   0x00,0x0d
zo:     .byte   0xaa,0x12,0x3c,0x77
c13:    .byte   0x0c
c14:    .byte   0x0d
c15:    .byte   0x12,0x3c
c16:    .byte   0x12,0x4c
c17:    .byte   0x12,0x3d
c18:    .byte   0x12,0x4d
c19:    .byte   0x1c
c20:    .byte   0x99,0x99,0x9d
        .org    0x840
m1:     .byte   0x00,0x00,0x38,0x46,0x0d
m2:     .byte   0x32,0x1d
m3:     .byte   0x00,0x0c
m4:     .byte   0x3d
m5:     .byte   0x00,0x00,0x99,0x9c
m6:     .byte   0x99,0x9c
        .org    0x850
d1:     .byte   0x01,0x23,0x45,0x67,0x8c
d2:     .byte   0x32,0x1d
d3:     .byte   0x00,0x1d
d4:     .byte   0x2c
d5:     .byte   0x00,0x6d
d6:     .byte   0x2c
d7:     .byte   0x00,0x99,0x9c
d8:     .byte   0x99,0x9c
        .org    0x870
s1:     .byte   0x00,0x01,0x23,0x45,0x67,0x8c
s2:     .byte   0x01,0x23,0x45,0x67,0x8c
s3:     .byte   0x00,0x00,0x00,0x49,0x9d
s4:     .byte   0x12,0x3c
s5:     .byte   0x10,0x0d
s6:     .byte   0x00,0x0d
s7:     .byte   0x99,0x9c
s8:     .byte   0x12,0x3c
s9:     .byte   0x12,0x3c
        .balign 16
results:
        .space  128
