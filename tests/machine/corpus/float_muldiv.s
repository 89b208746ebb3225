#@ title: HFP multiply (ME MER MD MDR MXR MXD MXDR), divide (DE DER DD DDR), halve (HER HDR),
#@ title: load rounded (LRER LRDR), extended add/subtract (AXR SXR): prenormalization,
#@ title: truncation, exponent overflow/underflow, floating-point divide, masks off and on
#@ expect c00 41600000 00000000
#@ expect c20 42ffffff fffffffe
#@ expect c48 42ffffff fffffffe 34000000 00000001
#@ expect c98 40555555
#@ expect ca8 0000000f
#@ expect cb0 41100000
#@ expect d00 3b800000
#@ expect d20 41123457 55555555 42100000
#@ expect d70 25100000 00000000 17000000 00000000
#@ expect dd8 0000000d
#@ expect de0 41100000 00000000
#@ expect gpr 12 000000cc
        .include "s370.inc"
        lowcore pgm=onpgm

        .macro  recd freg
        std     \freg,0(%r13)
        la      %r13,8(%r13)
        .endm

# sh OP, A, B: short RX operation into %f0 (right half preset); the whole %f0 recorded.
        .macro  sh op, a, b
        ld      %f0,fill
        le      %f0,\a
        \op     %f0,\b
        recd    %f0
        .endm
        .macro  shr op, a, b
        ld      %f0,fill
        ld      %f6,fill
        le      %f0,\a
        le      %f6,\b
        \op     %f0,%f6
        recd    %f0
        .endm
        .macro  lg op, a, b
        ld      %f2,\a
        \op     %f2,\b
        recd    %f2
        .endm
        .macro  lgr op, a, b
        ld      %f2,\a
        ld      %f4,\b
        \op     %f2,%f4
        recd    %f2
        .endm
# xt OP, A, B: extended pairs %f0/%f2 and %f4/%f6, condition code and pair recorded.
        .macro  xt op, a, b
        ld      %f0,\a
        ld      %f2,\a+8
        ld      %f4,\b
        ld      %f6,\b+8
        \op     %f0,%f4
        reccc
        recd    %f0
        recd    %f2
        .endm

        la      %r13,results
        sh      me,two,three            # 6, long result
        shr     mer,unn1,three          # prenormalized: 3
        sh      me,mtwo,three           # -6
        sh      me,zero41,mthree        # true zero
        lg      md,fs_l,fs_l            # truncated: 0x42FFFFFFFFFFFFFE
        lgr     mdr,top_l,two_l         # 0x7F20000000000000, no overflow
        lg      md,top_l,sixt_l         # exponent overflow
        lgr     mdr,low_l,low_l         # underflow, mask off: zero
        ld      %f0,fs_l
        mxd     %f0,fs_l                # every digit kept
        recd    %f0
        recd    %f2
        ld      %f0,fs_l
        ld      %f4,mtwo_l
        mxdr    %f0,%f4
        recd    %f0
        recd    %f2
        xt      mxr,fs_x,fs_x           # extended product truncated
        xt      mxr,one_x,unn_x         # prenormalized extended operand
        sh      de,six,two              # 3
        shr     der,one,three           # 0x40555555
        sh      de,unn1,mthree          # prenormalized, negative
        sh      de,one,zero45           # floating-point divide: suppressed
        sh      de,zero45,three         # zero dividend: true zero
        shr     der,topsh,sixts         # exponent overflow
        sh      de,small,two            # underflow, mask off
        lg      dd,one_l,three_l        # 0x4055555555555555
        lgr     ddr,mone_l,zero_l       # floating-point divide
        shr     her,one,one             # 0.5
        shr     her,one,oddf            # 0x41180000
        shr     her,one,onebit          # through the guard digit: 0x3B800000
        shr     her,one,small           # underflow, mask off
        shr     her,one,mzero45         # zero fraction: true zero
        lgr     hdr,one_l,mone1_l       # halve long
        ld      %f0,fill
        ld      %f6,rnd1_l
        lrer    %f0,%f6                 # 0x41123457
        recd    %f0
        ld      %f6,rnd2_l
        lrer    %f0,%f6                 # carry: 0x42100000
        recd    %f0
        ld      %f6,rnd3_l
        lrer    %f0,%f6                 # exponent overflow
        recd    %f0
        ld      %f6,nzero_l
        lrer    %f0,%f6                 # zero keeps sign and characteristic
        recd    %f0
        ld      %f4,rndx
        ld      %f6,rndx+8
        ldxr    %f2,%f4                 # LRDR: 0x4112345678ABCDF0
        recd    %f2
        ld      %f4,fs_x
        ld      %f6,fs_x+8
        ldxr    %f2,%f4                 # LRDR carry into the characteristic
        recd    %f2
        xt      axr,one_x,one_x         # 2
        xt      sxr,one_x,fsm_x         # the guard digit: 16**-28
        xt      axr,low5_x,low5_x       # low-order characteristic wraps
        xt      sxr,one_x,one_x         # significance masked: true zero
        xt      axr,big_x,big_x         # exponent overflow
        xt      sxr,small_x,halfs_x     # underflow, mask off
        l       %r1,pm3
        spm     %r1
        lgr     mdr,low_l,low_l         # exponent underflow: wrapped characteristic
        sh      me,smallest,smallest
        sh      de,small,two
        shr     her,one,small
        xt      sxr,one_x,one_x         # significance: characteristic kept
        xt      sxr,small_x,halfs_x     # underflow: wrapped, low-order characteristic too
        xt      mxr,low_x,low_x
        ld      %f0,low_l
        mxd     %f0,low_l
        recd    %f0
        recd    %f2
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
three:  .long   0x41300000
six:    .long   0x41600000
mtwo:   .long   0xc1200000
mthree: .long   0xc1300000
unn1:   .long   0x42010000
zero41: .long   0x41000000
zero45: .long   0x45000000
mzero45: .long  0xc5000000
topsh:  .long   0x7f100000
sixts:  .long   0x40100000
small:  .long   0x00100000
smallest: .long 0x00100000
oddf:   .long   0x41300001
onebit: .long   0x41000001
        .balign 8
one_l:  .long   0x41100000, 0x00000000
mone_l: .long   0xc1100000, 0x00000000
mone1_l: .long  0xc1100000, 0x00000001
two_l:  .long   0x41200000, 0x00000000
mtwo_l: .long   0xc1200000, 0x00000000
three_l: .long  0x41300000, 0x00000000
sixt_l: .long   0x42100000, 0x00000000
zero_l: .long   0x46000000, 0x00000000
fs_l:   .long   0x41ffffff, 0xffffffff
top_l:  .long   0x7f100000, 0x00000000
low_l:  .long   0x01100000, 0x00000000
nzero_l: .long  0x85000000, 0x00000000
rnd1_l: .long   0x41123456, 0x80000000
rnd2_l: .long   0x41ffffff, 0x80000000
rnd3_l: .long   0xffffffff, 0x80000000
rndx:   .long   0x41123456, 0x78abcdef, 0x33800000, 0x00000000
fs_x:   .long   0x41ffffff, 0xffffffff, 0x33ffffff, 0xffffffff
fsm_x:  .long   0x40ffffff, 0xffffffff, 0x32ffffff, 0xffffffff
one_x:  .long   0x41100000, 0x00000000, 0x33000000, 0x00000000
unn_x:  .long   0x43000000, 0x00000000, 0x35000000, 0x00000100
low5_x: .long   0x05100000, 0x00000000, 0x77000000, 0x00000001
big_x:  .long   0x7fffffff, 0xffffffff, 0x71ffffff, 0xffffffff
small_x: .long  0x00100000, 0x00000000, 0x72000000, 0x00000000
halfs_x: .long  0x00080000, 0x00000000, 0x72000000, 0x00000000
low_x:  .long   0x01100000, 0x00000000, 0x73000000, 0x00000000
        .org    0xc00
results: .space 0x400
