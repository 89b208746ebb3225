#@ title: HFP loads and stores (LE LER LD LDR STE STD) on any byte boundary, sign control
#@ title: (LTER LTDR LCER LCDR LPER LPDR LNER LNDR) with condition codes, and specification
#@ title: exceptions for register fields other than 0, 2, 4, 6 (0, 4 for extended operands)
#@ expect c00 00000001 c1100000 55555555
#@ expect c24 00000000 80000000
#@ expect cb4 41234567 55555555
#@ expect cd4 00000006
#@ expect gpr 12 000000cc
        .include "s370.inc"
        lowcore pgm=onpgm

        .macro  recd freg
        std     \freg,0(%r13)
        la      %r13,8(%r13)
        .endm
# sgn OP, A: short sign control from %f6 into %f0 (right halves preset), cc and %f0 recorded.
        .macro  sgn op, a
        ld      %f0,fill
        ld      %f6,fill2
        le      %f6,\a
        \op     %f0,%f6
        reccc
        recd    %f0
        .endm
        .macro  sgnd op, a
        ld      %f4,\a
        \op     %f2,%f4
        reccc
        recd    %f2
        .endm

        la      %r13,results
        sgn     lter,mone               # cc 1
        sgn     lter,mzero              # cc 0, sign kept
        sgn     lcer,one                # cc 1
        sgn     lcer,zero               # sign inverted even for zero: cc 0
        sgn     lper,mone               # cc 2
        sgn     lper,mzero5             # cc 0
        sgn     lner,one                # cc 1
        sgn     lner,zero5              # cc 0
        sgnd    ltdr,mone_l
        sgnd    ltdr,lowbit_l           # fraction only in the right half: cc 2
        sgnd    lcdr,one_l
        sgnd    lcdr,zero_l
        sgnd    lpdr,mone_l
        sgnd    lndr,lowbit_l
        sgnd    lndr,zero_l
        ld      %f0,fill
        le      %f0,odd1                # byte-oriented operands: no alignment needed
        recd    %f0
        ld      %f2,odd3
        recd    %f2
        ste     %f2,out+1
        std     %f2,out+7
        ler     %f4,%f0                 # right half of %f4 unchanged
        recd    %f4
        ldr     %f6,%f2
        recd    %f6
        .insn   rr,0x3800,%r1,%r2       # LER 1,2: specification
        .insn   rr,0x2200,%r0,%r3       # LTDR 0,3
        .insn   rx,0x78000000,%r8,one   # LE 8
        .insn   rx,0x60000000,%r5,out   # STD 5: nothing stored
        .insn   rr,0x3a00,%r0,%r10      # AER 0,10
        .insn   rr,0x3600,%r2,%r4       # AXR 2,4: extended pairs are 0 and 4
        .insn   rr,0x3700,%r0,%r6       # SXR 0,6
        .insn   rr,0x2600,%r4,%r2       # MXR 4,2
        .insn   rr,0x2700,%r2,%r0       # MXDR 2,0
        .insn   rr,0x2700,%r0,%r1       # MXDR 0,1
        .insn   rx,0x67000000,%r6,one_l # MXD 6
        .insn   rr,0x2500,%r0,%r2       # LRDR 0,2
        .insn   rr,0x2500,%r1,%r4       # LRDR 1,4
        .insn   rr,0x3500,%r0,%r7       # LRER 0,7
        .insn   rr,0x3400,%r9,%r0       # HER 9,0
        .insn   rx,0x6d000000,%r14,one_l # DD 14
        recd    %f0
        recd    %f2
        recd    %f4
        recd    %f6
        la      %r12,0xcc
        eoj

onpgm:  mvc     0(8,%r13),0x28          # record the program old PSW and resume
        la      %r13,8(%r13)
        lpsw    0x28

        .balign 8
fill:   .long   0x55555555, 0x55555555
fill2:  .long   0x77777777, 0x77777777
one:    .long   0x41100000
mone:   .long   0xc1100000
zero:   .long   0x00000000
mzero:  .long   0x80000000
zero5:  .long   0x05000000
mzero5: .long   0x85000000
        .balign 8
one_l:  .long   0x41100000, 0x00000000
mone_l: .long   0xc1100000, 0x00000000
zero_l: .long   0x00000000, 0x00000000
lowbit_l: .long 0x40000000, 0x00000001
        .byte   0
odd1:   .long   0x41234567
odd3:   .long   0xc2345678, 0x9abcdef0
out:    .space  16
        .org    0xc00
results: .space 0x200
