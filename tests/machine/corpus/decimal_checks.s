#@ title: decimal program checks: data, decimal overflow (mask on), decimal divide, specification, CVB fixed-point divide, addressing; what each leaves behind
#@ expect psw 00020000 0000ee00
#@ expect gpr 7 4d2fa200
#@ expect 860 00000007 c000020c
#@ expect 826 40f1f22020
#@ expect 8c0 00000009 8000026c
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,results
        cr      %r0,%r0             # cc 0 before each check shows whether cc changed
        ap      x1(2),bad1(2)       # invalid sign: data, suppressed
        cr      %r0,%r0
        ap      bad2(2),x1(2)       # invalid digit in the first operand: data
        cr      %r0,%r0
        zap     x2(2),bad3(2)       # ZAP checks the second operand
        cr      %r0,%r0
        cp      x1(2),bad1(2)       # CP checks both
        cr      %r0,%r0
        dp      dd1(2),zero(1)      # divisor zero: decimal divide, suppressed
        cr      %r0,%r0
        dp      dd2(2),one(1)       # quotient too long: decimal divide
        cr      %r0,%r0
        dp      dd3(2),bad1+1(1)    # data takes precedence over the zero divisor
        cr      %r0,%r0
        mp      mm1(2),mm2(2)       # L2 = L1: specification
        cr      %r0,%r0
        dp      big(16),big+7(9)    # L2 > 8: specification
        cr      %r0,%r0
        mp      mm3(2),one(1)       # multiplicand lacks a leftmost zero byte: data
        cr      %r0,%r0
        srp     x3(2),1,10          # invalid rounding digit: data
        cr      %r0,%r0
        cvb     %r6,dbad            # invalid sign: data, register kept
        cr      %r0,%r0
        l       %r7,ffs
        cvb     %r7,dbig            # out of range: rightmost 32 bits, fixed-point divide
        cr      %r0,%r0
        ed      ed1(5),ed1s         # invalid source digit: edited bytes stay stored
        cr      %r0,%r0
        l       %r8,far
        ap      x4(2),0(2,%r8)      # beyond storage: addressing
        cr      %r0,%r0
        ap      x5(2),one(1)        # overflow with the mask off: no interruption
        reccc
        l       %r9,pmask
        spm     %r9                 # decimal-overflow mask on
        ap      x6(2),one(1)        # 999 + 1: completed, cc 3, decimal overflow
        zap     x7(1),x8(2)         # ZAP overflow
        srp     x9(2),2,0           # SRP left-shift overflow
        sp      x10(1),one(1)       # no overflow: no interruption
        reccc
        eoj

# Program check: record the old PSW (code, ILC, CC, address) and go on after it.
onpgm:  mvc     0(8,%r13),0x28
        la      %r13,8(%r13)
        lpsw    0x28

        .balign 4
ffs:    .long   0xffffffff
far:    .long   0x00fffff0
pmask:  .long   0x04000000
        .org    0x800
x1:     .byte   0x00,0x1c
bad1:   .byte   0x12,0x34
bad2:   .byte   0xa1,0x2c
x2:     .byte   0x55,0x55
bad3:   .byte   0x1f,0x2c
zero:   .byte   0x0c
one:    .byte   0x1c
dd1:    .byte   0x00,0x7c
dd2:    .byte   0x02,0x0c
dd3:    .byte   0x00,0x7c
mm1:    .byte   0x00,0x1c
mm2:    .byte   0x00,0x2c
mm3:    .byte   0x01,0x5c
x3:     .byte   0x12,0x3c
x4:     .byte   0x00,0x1c
x5:     .byte   0x99,0x9c
x6:     .byte   0x99,0x9c
x7:     .byte   0x77
x8:     .byte   0x12,0x3d
x9:     .byte   0x12,0x3c
x10:    .byte   0x5c
ed1:    .byte   0x40,0x20,0x20,0x20,0x20
ed1s:   .byte   0x12,0xa4
        .org    0x840
big:    .byte   0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0x1c
dbad:   .byte   0,0,0,0,0,0,0,0
dbig:   .byte   0,0,0x03,0,0,0,0,0x0d
        .balign 16
results:
        .space  192
