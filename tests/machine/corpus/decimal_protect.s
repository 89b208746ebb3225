#@ title: decimal instructions and storage keys: store and fetch protection suppress AP, ZAP, MP, SRP, PACK, UNPK, MVO, ED, EDMK, CVD, CVB; a matching key stores
#@ keys 0-1fff
#@ expect 1000 001c
#@ expect 1800 002c
#@ expect 800 00200004 c0000228
#@ expect 850 00000002 00500004 e0000282
#@ expect 884 12345678
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,results
        l       %r10,k1000          # %r10 -> 0x1000 (key 3), 0x1800 (key 2, fetch protected)
        la      %r2,0x30
        ssk     %r2,%r10
        la      %r11,0x800(%r10)
        la      %r2,0x28
        ssk     %r2,%r11
        l       %r1,marker
        spka    0x20                # PSW key 2
        cr      %r0,%r0
        ap      0(2,%r10),one(1)       # store into key 3: protection, nothing stored
        zap     0(2,%r10),one(1)
        mp      4(3,%r10),one(1)
        srp     0(2,%r10),1,0
        pack    8(2,%r10),one(1)
        unpk    8(2,%r10),one(1)
        mvo     8(2,%r10),one(1)
        ed      12(2,%r10),one
        edmk    12(2,%r10),one      # GR1 kept
        cvd     %r1,16(%r10)
        ap      0(2,%r11),one(1)    # key 2 matches: stored
        spka    0                   # (the results area has key 0; SPKA keeps the cc)
        reccc
        spka    0x50                # PSW key 5
        cp      one(1),0(2,%r11)    # fetch from a fetch-protected key-2 block
        cvb     %r1,16(%r11)        # GR1 kept
        ap      two(2),0(2,%r11)    # first operand fine, second fetch protected
        zap     two(2),0(2,%r11)
        unpk    two(2),0(2,%r11)
        ed      two(2),0(%r11)      # the source is fetch protected
        spka    0
        rec     %r1
        eoj

# Program check: record the old PSW and carry on after the instruction.
onpgm:  mvc     0(8,%r13),0x28
        la      %r13,8(%r13)
        lpsw    0x28

        .balign 4
k1000:  .long   0x1000
marker: .long   0x12345678
one:    .byte   0x1c
two:    .byte   0x00,0x2c
        .org    0x800
results:
        .space  256
        .org    0x1000
        .byte   0x00,0x1c,0x00,0x00, 0x00,0x00,0x1c,0x00, 0xf1,0xf2,0x00,0x00, 0x40,0x20,0x00,0x00
        .space  16
        .org    0x1800
        .byte   0x00,0x1c
        .space  14
        .byte   0,0,0,0,0,0,0x12,0x3c
