#@ title: MVC (overlapping propagation), MVN, MVZ, MVO, TR, TRT (all three codes)
#@ expect 900 c1c1c1c1 c1c1c1c1
#@ expect gpr 2 ffffff77
#@ expect 964 030102020102
        .include "s370.inc"
        lowcore
        la      %r13,results
        mvi     prop,0xc1
        mvc     prop+1(15),prop     # one-byte overlap: propagates C1
        mvc     mvnd(4),mvns
        mvn     mvnd(4),zones       # numeric halves from "zones"
        mvc     mvzd(4),mvns
        mvz     mvzd(4),zones
        mvo     mvod(4),mvos(3)
        tr      trd(8),table
        tr      trov(6),trov        # operand is its own table: each result byte is stored
                                    # before the next function byte is fetched
        la      %r1,0
        la      %r2,0
        trt     tstr(8),ttab        # stops at the first nonzero function byte
        reccc
        rec     %r1
        la      %r1,0
        la      %r2,0
        trt     tstr(2),ttab        # all zero: cc 0, registers unchanged
        reccc
        rec     %r1
        rec     %r2
        l       %r1,ones
        l       %r2,ones
        trt     tstr2(2),ttab       # nonzero at the last byte: cc 2, GR1 low 24 bits only
        reccc
        rec     %r1
        eoj

        .balign 4
ones:   .long   0xffffffff
mvns:   .long   0xf1f2f3f4
zones:  .long   0x5a6b7c8d
mvos:   .byte   0x12, 0x34, 0x56
table:  .byte   0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47
        .byte   0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f
        .org    table+256
ttab:   .space  0xc3
        .byte   0x77
        .org    ttab+256
tstr:   .byte   0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8
tstr2:  .byte   0xc1, 0xc3
        .org    0x900
prop:   .space  16
mvnd:   .space  4
mvzd:   .space  4
mvod:   .long   0xaaaaaaab
trd:    .byte   0, 1, 2, 3, 15, 14, 13, 12
results: .space 64
trov:   .byte   0x05, 0x04, 0x03, 0x02, 0x01, 0x03
