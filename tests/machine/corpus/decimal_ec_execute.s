#@ title: decimal instructions under EXECUTE (lengths ORed in) and in EC mode (program mask in PSW bits 20-23, interruption code and ILC at 0x8C)
#@ expect 800 0100 0c
#@ expect 8c 00040006
#@ expect 82c 00000254 0006000a
#@ expect 80f f0f1f2c3 404040f5
        .include "s370.inc"
        lowcore mode=ec, pgm=onpgm
        la      %r13,results
        la      %r1,0x21
        ex      %r1,apx             # AP with lengths 3 and 2 ORed in: 999 + 1
        reccc
        la      %r1,0x42
        ex      %r1,packx           # PACK 5,3
        la      %r1,0x31
        ex      %r1,unpkx           # UNPK 4,2
        la      %r1,0x03
        ex      %r1,edx             # ED with length 4
        reccc
        l       %r2,pmask
        spm     %r2                 # EC mode: decimal-overflow mask on
        ap      ov(1),one(1)        # 9 + 1: decimal overflow, completed
        la      %r1,0x10
        ex      %r1,mpx             # MP 1,1 made MP 2,1: valid
        la      %r1,0x00
        ex      %r1,mpx             # MP 1,1: specification, with the ILC of EX (2)
        eoj     mode=ec

onpgm:  mvc     0(8,%r13),0x28      # program old PSW, then ILC and code at 0x8C
        mvc     8(4,%r13),0x8c
        la      %r13,12(%r13)
        lpsw    0x28

        .balign 4
pmask:  .long   0x04000000
apx:    ap      a(1),b(1)
packx:  pack    p(1),z(1)
unpkx:  unpk    u(1),k(1)
edx:    ed      e(1),s
mpx:    mp      m(1),one(1)
        .org    0x800
a:      .byte   0x00,0x99,0x9c
b:      .byte   0x00,0x1c
p:      .space  5
z:      .byte   0xf1,0xf2,0xf3
k:      .byte   0x12,0x3c
u:      .space  4
e:      .byte   0x40,0x20,0x21,0x20
s:      .byte   0x00,0x5d
ov:     .byte   0x9c
one:    .byte   0x1c
m:      .byte   0x00,0x3c
        .balign 16
results:
        .space  64
