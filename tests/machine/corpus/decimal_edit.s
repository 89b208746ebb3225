#@ title: PACK UNPK MVO (with overlap), ED and EDMK (fill, separators, marks), CVB, CVD
#@ expect 800 12345c
#@ expect gpr 2 000063fa
#@ expect gpr 1 ab0008c3
#@ expect 860 4040f26b f5f7f44b f2f64040
#@ expect 82b f3f3f4c5
        .include "s370.inc"
        lowcore
        la      %r13,results
        pack    p1(3),z1(5)         # F1F2F3F4C5 -> 12345C
        pack    p2(4),z1(5)         # extended with zeros on the left
        pack    p3(2),z1(5)         # leftmost digits dropped
        pack    p4(1),p4(1)         # one byte onto itself: halves exchanged
        pack    p5(5),p5(5)         # in place
        pack    p6(2),z2(2)         # nothing checked: FA FB -> 0A BF
        unpk    u1(5),k1(3)
        unpk    u2(6),k1(3)         # zero zones on the left
        unpk    u3(4),u3+1(3)       # overlap: the source byte 12 is overwritten first
        unpk    u4(4),k2(2)
        mvo     v1(4),v2(3)         # the manual's example
        mvo     v3(3),v3(2)         # shift a packed field right one digit
        mvo     v4(4),v5(5)         # second operand truncated on the left
        ed      e1(12),src1         # the manual's example, positive: cc 2
        reccc
        ed      e2(12),src2         # negative: CR kept, cc 1
        reccc
        ed      e3(12),src3         # zero: cc 0
        reccc
        l       %r1,hiword
        edmk    e4(12),src4         # mark at the first significant digit
        reccc
        rec     %r1
        l       %r1,hiword
        edmk    e5(4),src5          # significance forced by 21: no mark
        reccc
        rec     %r1
        ed      e6(8),src6          # field separator: cc from the last field
        reccc
        ed      e7(3),src7          # fill byte that is also a digit selector
        reccc
        ed      e8(5),src8          # no sign met: significance on at the end: cc 1
        reccc
        l       %r1,hiword
        edmk    e9(6),src9          # a new mark after significance went off
        reccc
        rec     %r1
        cvb     %r2,dw1             # the manual's example: 25,594
        cvb     %r3,dw2             # -1
        cvb     %r4,dw3+1           # no alignment needed: 2,147,483,647
        cvb     %r5,dw4             # -2,147,483,648
        l       %r6,cvdval
        cvd     %r6,cd1             # the manual's example: 3,855
        l       %r7,ffs
        cvd     %r7,cd2
        l       %r8,maxneg
        cvd     %r8,cd3+3           # no alignment needed
        eoj

        .balign 4
hiword: .long   0xab000000
cvdval: .long   0x00000f0f
ffs:    .long   0xffffffff
maxneg: .long   0x80000000
        .org    0x800
p1:     .byte   0,0,0
p2:     .byte   0xff,0xff,0xff,0xff
p3:     .byte   0,0
p4:     .byte   0x12
p5:     .byte   0xf1,0xf2,0xf3,0xf4,0xf5
p6:     .byte   0,0
z1:     .byte   0xf1,0xf2,0xf3,0xf4,0xc5
z2:     .byte   0xfa,0xfb
k1:     .byte   0x12,0x34,0x5c
k2:     .byte   0x12,0x3c
        .org    0x820
u1:     .space  5
u2:     .space  6
u3:     .byte   0xaa,0x12,0x34,0x5c
u4:     .space  4
        .org    0x840
v1:     .byte   0x77,0x88,0x99,0x0c
v2:     .byte   0x12,0x34,0x56
v3:     .byte   0x12,0x34,0x5c
v4:     .byte   0x77,0x88,0x99,0x0c
v5:     .byte   0x12,0x34,0x56,0x78,0x9a
        .org    0x860
e1:     .byte   0x40,0x20,0x20,0x6b,0x20,0x20,0x21,0x4b,0x20,0x20,0xc3,0xd9
src1:   .byte   0x02,0x57,0x42,0x6c
e2:     .byte   0x40,0x20,0x20,0x6b,0x20,0x20,0x21,0x4b,0x20,0x20,0xc3,0xd9
src2:   .byte   0x02,0x57,0x42,0x6d
e3:     .byte   0x40,0x20,0x20,0x6b,0x20,0x20,0x21,0x4b,0x20,0x20,0xc3,0xd9
src3:   .byte   0x00,0x00,0x00,0x0c
e4:     .byte   0x40,0x20,0x20,0x6b,0x20,0x20,0x21,0x4b,0x20,0x20,0xc3,0xd9
src4:   .byte   0x00,0x00,0x12,0x3f
e5:     .byte   0x40,0x21,0x20,0x20
src5:   .byte   0x00,0x5c
e6:     .byte   0x40,0x20,0x21,0x20,0x22,0x20,0x21,0x20
src6:   .byte   0x12,0x3d,0x00,0x0c
e7:     .byte   0x20,0x20,0x20
src7:   .byte   0x01,0x2c
e8:     .byte   0x40,0x20,0x20,0x20,0x20
src8:   .byte   0x12,0x34
e9:     .byte   0x40,0x20,0x20,0x22,0x20,0x20
src9:   .byte   0x12,0x3c,0x4d
        .org    0x900
dw1:    .byte   0,0,0,0,0,0x25,0x59,0x4f
dw2:    .byte   0,0,0,0,0,0,0,0x1d
dw3:    .byte   0xee,0,0,0x02,0x14,0x74,0x83,0x64,0x7c
        .balign 8
dw4:    .byte   0,0,0x02,0x14,0x74,0x83,0x64,0x8d
cd1:    .space  8
cd2:    .space  8
cd3:    .space  12
        .balign 16
results:
        .space  64
