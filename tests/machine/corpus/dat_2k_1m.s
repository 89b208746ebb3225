#@ title: EC mode DAT with 2K pages and 1M segments: translation, LRA, page and segment
#@ title: translation exceptions with the translation-exception address
#@ compare 8000-800f 87f0-880f 8ff0-8fff
#@ expect 900 00000000 00008804 00000002 00000001
#@ expect 918 00040011 00101000
        .include "s370.inc"
        lowcore mode=ec, pgm=onpgm
        la      %r13,0x900          # results (virtual = real below 0x4000)
        lctl    0,1,dat_crs
        lpsw    dat_on
1:      l       %r5,pattern
        l       %r6,k100800
        st      %r5,0(%r6)          # virtual 100800 is real 8800
        lra     %r2,4(%r6)          # cc 0, real 8804
        reccc
        rec     %r2
        l       %r7,k100000
        st      %r5,0(%r7)          # virtual 100000 is real 8000
        l       %r8,k101000
        lra     %r3,0(%r8)          # page 2 of segment 1 invalid
        reccc
        l       %r9,k200000
        lra     %r3,0(%r9)          # segment 2 invalid
        reccc
        la      %r14,2f
        l       %r4,0(%r8)          # page translation exception
2:      la      %r14,3f
        mvc     0(4,%r9),pattern    # segment translation exception (first operand)
3:      la      %r14,4f
        mvc     0x7fe(4,%r7),pattern   # crosses into the next 2K page, which is valid
4:      la      %r14,5f
        mvc     0x7fe(4,%r6),pattern   # crosses into the invalid page 100800 -> 101000
5:      eoj     mode=ec

onpgm:  nc      0x92(2),teamask     # the TEA's bits within the page are unpredictable
        mvc     0(8,%r13),0x28      # old PSW, then ILC/code and translation address
        mvc     8(8,%r13),0x8c
        la      %r13,16(%r13)
        st      %r14,resume+4
        lpsw    resume

        .balign 8
dat_on: .long   0x04080000, 1b
resume: .long   0x04080000, 0
dat_crs: .long  0x005000e0, 0x00001000   # CR0: 2K pages, 1M segments; CR1: STO 1000, STL 0
pattern: .long  0xc1c2c3c4
teamask: .short 0xf800
k100000: .long  0x100000
k100800: .long  0x100800
k101000: .long  0x101000
k200000: .long  0x200000
        .org    0x900
results: .space 128

        .org    0x1000              # segment table: 16 entries of 1M
        .long   0xf0001100          # segment 0: identity page table
        .long   0xf0001200          # segment 1: second page table
        .rept   14
        .long   0x00000001          # invalid
        .endr
        .org    0x1100              # segment 0: pages 0-7 (16K) map to themselves
        .short  0x0000, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028, 0x0030, 0x0038
        .rept   8
        .short  0x0004              # invalid (2K format)
        .endr
        .org    0x1200              # segment 1: page 0 -> 8000, page 1 -> 8800
        .short  0x0080, 0x0088
        .rept   14
        .short  0x0004
        .endr
