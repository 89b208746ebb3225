#@ title: HFP add/subtract (AE AER AD ADR AU AUR AW AWR SE SER SD SDR SU SUR SW SWR) and
#@ title: compare (CE CER CD CDR): guard digit, normalization, carry, signs, condition codes,
#@ title: significance, exponent underflow and overflow with the program mask off and on
#@ expect c00 00000002 41200000 55555555
#@ expect c48 00000002 3b100000
#@ expect c54 00000000 00000000
#@ expect c60 00000002 40ffffff
#@ expect c78 0000000c
#@ expect c80 00000002 001fffff
#@ expect da4 0000000e
#@ expect dac 00000000 41000000
#@ expect gpr 12 000000cc
        .include "s370.inc"
        lowcore pgm=onpgm

# recd/rece FREG: store a long/short FPR at %r13 and advance.
        .macro  recd freg
        std     \freg,0(%r13)
        la      %r13,8(%r13)
        .endm

# sh OP, A, B: short RX operation on %f0 (right half preset) with cc and result recorded.
        .macro  sh op, a, b
        ld      %f0,fill
        le      %f0,\a
        \op     %f0,\b
        reccc
        recd    %f0
        .endm

# shr OP, A, B: the RR form, second operand in %f6.
        .macro  shr op, a, b
        ld      %f0,fill
        ld      %f6,fill
        le      %f0,\a
        le      %f6,\b
        \op     %f0,%f6
        reccc
        recd    %f0
        .endm

# lg OP, A, B and lgr: long operations.
        .macro  lg op, a, b
        ld      %f2,\a
        \op     %f2,\b
        reccc
        recd    %f2
        .endm
        .macro  lgr op, a, b
        ld      %f2,\a
        ld      %f4,\b
        \op     %f2,%f4
        reccc
        recd    %f2
        .endm

        la      %r13,results
        sh      ae,one,one              # 1 + 1 = 2, cc 2
        shr     aer,eight,eight         # carry: 16
        sh      ae,one,mtwo             # -1, cc 1
        sh      ae,unn1,unn2            # normalized
        sh      au,unn1,unn2            # leading zeros kept
        shr     aur,one,mone            # 1 - 1: true zero (mask off)
        sh      ae,one,almost           # guard digit: 0x3B100000
        sh      au,one,almost           # guard digit dropped: zero
        sh      se,one,tiny6            # 1 - 16**-6 = 0.FFFFFF
        sh      se,one,tiny7            # shifted out entirely
        shr     ser,big,mbig            # overflow: interruption, wrapped characteristic
        sh      su,big,mbig
        sh      ae,small,mhalfs         # underflow, mask off: true zero
        sh      au,small,mhalfs         # AU: no underflow
        sh      ae,mzero,one            # minus zero + 1
        sh      ae,dirtyz,one           # zero fraction, large characteristic: zero
        sh      ce,one,two              # cc 1
        sh      ce,two,one              # cc 2
        sh      ce,one,unn1b            # equal, unnormalized
        sh      ce,zero41,mzero45       # zero fractions equal
        sh      ce,dirtyz,one           # shifted beyond the guard digit: equal
        shr     cer,one,almost          # guard digit decides: cc 2
        sh      ce,mone,one
        lg      ad,one_l,sixt_l         # 1 + 1/16
        lg      ad,one_l,almost_l       # 16**-14
        lgr     adr,one_l,tiny14_l      # 0.FFFFFFFFFFFFFF
        lgr     sdr,one_l,one_l         # zero
        lg      aw,unn1_l,unn2_l        # unnormalized long
        lg      sw,one_l,almost_l       # 1 + 0.FFFFFFFFFFFFFF, unnormalized
        lg      sw,one_l,palmost_l      # guard digit dropped: zero
        lgr     awr,big_l,big1_l        # overflow
        lg      cd,one_l,almost_l       # cc 2
        lgr     cdr,mone_l,mone1_l      # -1 vs -(1+tiny): cc 2
        l       %r1,pm3
        spm     %r1                     # exponent underflow and significance masks on
        shr     aur,one,mone            # significance: characteristic kept
        sh      ae,one,mone
        sh      au,one,almost
        sh      ae,small,mhalfs         # exponent underflow: wrapped characteristic
        sh      se,small,halfs
        sh      ae,dirtyz,one           # significance with characteristic 48
        lgr     sdr,one_l,one_l
        lg      sd,small_l,halfs_l      # underflow, long
        lg      aw,small_l,mhalfs_l     # AW: no underflow
        lg      sw,nzero_l,nzero_l      # zero fractions: significance
        sh      ce,one,mone             # compare never interrupts
        la      %r1,0
        spm     %r1
        la      %r12,0xcc
        eoj

onpgm:  mvc     0(8,%r13),0x28          # record the program old PSW and resume
        la      %r13,8(%r13)
        lpsw    0x28

        .balign 8
fill:   .long   0x55555555, 0x55555555
pm3:    .long   0x03000000
one:    .long   0x41100000
two:    .long   0x41200000
mone:   .long   0xc1100000
mtwo:   .long   0xc1200000
eight:  .long   0x41800000
unn1:   .long   0x42010000
unn1b:  .long   0x42010000
unn2:   .long   0x42001000
almost: .long   0xc0ffffff
tiny6:  .long   0x3b100000
tiny7:  .long   0x3a100000
big:    .long   0x7fffffff
mbig:   .long   0xffffffff
small:  .long   0x00100000
halfs:  .long   0x00080000
mhalfs: .long   0x80080000
mzero:  .long   0x80000000
zero41: .long   0x41000000
mzero45: .long  0xc5000000
dirtyz: .long   0x48000000
        .balign 8
one_l:  .long   0x41100000, 0x00000000
mone_l: .long   0xc1100000, 0x00000000
mone1_l: .long  0xc1100000, 0x00000001
sixt_l: .long   0x40100000, 0x00000000
almost_l: .long 0xc0ffffff, 0xffffffff
palmost_l: .long 0x40ffffff, 0xffffffff
tiny14_l: .long 0xb3100000, 0x00000000
unn1_l: .long   0x42010000, 0x00000000
unn2_l: .long   0x42000000, 0x00100000
big_l:  .long   0x7fffffff, 0xffffffff
big1_l: .long   0x7f000000, 0x00000001
small_l: .long  0x00100000, 0x00000000
halfs_l: .long  0x00080000, 0x00000000
mhalfs_l: .long 0x80080000, 0x00000000
nzero_l: .long  0x85000000, 0x00000000
        .org    0xc00
results: .space 0x400
