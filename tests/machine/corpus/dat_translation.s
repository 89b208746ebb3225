#@ title: EC mode DAT (4K pages, 64K segments): translation, LRA, PTLB, aliases, and the
#@ title: page and segment translation exceptions (invalid entries, table lengths)
#@ compare 8000-800f 9000-900f
#@ expect 900 00000000 00008004
#@ expect 920 000002b2 00040011 00006000
#@ expect 9000 00000000 00000000 c1c2c3c4
        .include "s370.inc"
        lowcore mode=ec, pgm=onpgm
        la      %r13,0x900          # results (page 0 is mapped to itself)
        lctl    0,1,dat_crs
        lpsw    dat_on
1:      l       %r5,pattern
        l       %r6,k5000
        st      %r5,0(%r6)          # virtual 5000 is real 8000
        lra     %r2,4(%r6)          # cc 0, real address 8004
        reccc
        rec     %r2
        l       %r7,k6000
        lra     %r3,0(%r7)          # page invalid
        reccc
        l       %r8,k10000
        lra     %r3,0(%r8)          # segment invalid
        reccc
        l       %r9,k100000
        lra     %r3,0(%r9)          # beyond the segment table length
        reccc
        l       %r10,k2f000
        lra     %r3,0(%r10)         # beyond the page table length of segment 2
        reccc
        l       %r11,k20000
        l       %r4,0(%r11)         # segment 2, page 0 is real page 0: the restart PSW
        rec     %r4
        la      %r14,2f
        l       %r4,0(%r7)          # page translation exception, nullified
2:      la      %r14,3f
        l       %r4,0(%r8)          # segment translation exception
3:      la      %r14,4f
        st      %r4,0(%r9)          # segment table length exceeded
4:      la      %r14,5f
        l       %r4,0(%r10)         # page table length exceeded
5:      l       %r12,kpte5          # (labels above 0xfff need a base register)
        mvc     0(2,%r12),pte9000   # remap virtual 5000 to real 9000
        ptlb
        st      %r5,8(%r6)
        eoj     mode=ec

onpgm:  nc      0x92(2),teamask     # the TEA's bits within the page are unpredictable
        mvc     0(8,%r13),0x28      # old PSW, then ILC/code and translation address
        mvc     8(8,%r13),0x8c
        la      %r13,16(%r13)
        st      %r14,resume+4
        lpsw    resume

        .balign 8
dat_on: .long   0x04080000, 1b
resume: .long   0x04080000, 0
dat_crs: .long  0x008000e0, 0x00001000   # CR0: 4K pages, 64K segments; CR1: STO 1000, STL 0
kpte5:  .long   pte5
pattern: .long  0xc1c2c3c4
teamask: .short 0xf000
k5000:  .long   0x5000
k6000:  .long   0x6000
k10000: .long   0x10000
k20000: .long   0x20000
k2f000: .long   0x2f000
k100000: .long  0x100000
pte9000: .short 0x0090
        .org    0x900
results: .space 256

        .org    0x1000              # segment table: 16 entries (STL 0)
        .long   0xf0001100          # segment 0: page table at 1100, full length
        .long   0x00000001          # segment 1: invalid
        .long   0x00001100          # segment 2: same page table, shortest length
        .rept   13
        .long   0x00000001
        .endr
        .org    0x1100              # page table: pages 0-4 map to themselves
        .short  0x0000, 0x0010, 0x0020, 0x0030, 0x0040
pte5:   .short  0x0080              # page 5 -> real 8000
        .rept   10
        .short  0x0008              # invalid
        .endr
