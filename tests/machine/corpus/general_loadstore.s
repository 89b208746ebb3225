#@ title: loads, stores, load-and-test/complement/positive/negative, ICM/STCM, MVI, MVC
#@ expect 800 00000000 00000001 00000002 00000003
#@ expect gpr 2 ffffff85
#@ expect gpr 6 00123456
        .include "s370.inc"
        lowcore
        la      %r13,results
        l       %r1,minus1
        lr      %r2,%r1
        lh      %r2,half            # sign-extended halfword
        ltr     %r3,%r3             # zero: cc 0
        reccc
        ltr     %r3,%r2             # negative: cc 1
        reccc
        lcr     %r4,%r2             # complement of negative: positive, cc 2
        reccc
        l       %r5,maxneg
        lcr     %r5,%r5             # complement of max negative: overflow, cc 3
        reccc
        lpr     %r7,%r2
        reccc
        lnr     %r8,%r7
        reccc
        lnr     %r9,%r3             # negative of zero stays zero: cc 0
        reccc
        icm     %r6,7,bytes         # ICM mask 0111
        reccc
        icm     %r10,9,bytes        # mask 1001, first byte 12 -> positive
        reccc
        icm     %r11,0,bytes        # mask 0: cc 0, no storage accessed
        reccc
        l       %r12,maxneg
        icm     %r12,8,ff           # leftmost bit one: cc 1
        reccc
        stcm    %r6,5,out1          # store bytes 1 and 3
        stc     %r6,out1+4
        sth     %r6,out1+6
        ic      %r14,bytes+2
        lm      %r0,%r1,pair
        stm     %r14,%r2,out2       # wraps from 14 to 2
        mvi     out1+8,0xc1
        mvc     out1+9(3),bytes
        la      %r12,4095(%r14,%r13)   # LA with index and base: 24-bit result
        rec     %r12
        eoj

        .balign 8
minus1: .long   0xffffffff
maxneg: .long   0x80000000
half:   .short  0xff85
bytes:  .byte   0x12, 0x34, 0x56, 0x78
ff:     .byte   0xff
        .balign 8
pair:   .long   0x01020304, 0x05060708
        .org    0x800
results: .space 64
out1:   .space  16
out2:   .space  32
