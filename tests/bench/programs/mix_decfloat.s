#@ title: benchmark loop: ZAP/AP/CP/MP/CVB/CVD and LD/AD/MD/AER/STD/BCT, 12 an iteration
#@ ignore 808-817
        .include "s370.inc"
        lowcore
        lctl    0,0,cr0             # (keeps CR0 as reset leaves it; nothing to enable)
        l       %r3,count           # iterations (patched by bench_cpu.py)
        stck    tod0
loop:   zap     acc(8),p1(4)        # 12 instructions per iteration
        ap      acc(8),p2(3)
        cp      acc(8),p1(4)
        mp      acc(8),p3(2)
        cvb     %r6,bin
        cvd     %r6,dec
        ld      %f0,d1
        ad      %f0,d2
        md      %f0,d3
        aer     %f0,%f0
        std     %f0,dres
        bct     %r3,loop
        stck    tod1
        eoj

        .org    0x800
count:  .long   1000                # at 0x800
        .balign 8
tod0:   .long   0, 0                # at 0x808
tod1:   .long   0, 0                # at 0x810
cr0:    .long   0x000000e0
        .balign 8
acc:    .space  8
dec:    .space  8
bin:    .byte   0, 0, 0, 0, 0, 0x12, 0x34, 0x5c
d1:     .long   0x41100000, 0x00000000      # 1.0
d2:     .long   0x41180000, 0x00000000      # 1.5
d3:     .long   0x41200000, 0x00000000      # 2.0
dres:   .long   0, 0
p1:     .byte   0x00, 0x12, 0x34, 0x5c
p2:     .byte   0x00, 0x99, 0x9c
p3:     .byte   0x02, 0x5c
