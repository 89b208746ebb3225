#@ title: binary add/subtract/multiply/divide, condition codes, overflow with the mask off
#@ expect gpr 4 00000000
#@ expect gpr 5 00000000
        .include "s370.inc"
        lowcore
        la      %r13,results
        l       %r1,maxpos
        a       %r1,one             # overflow, program mask 0: cc 3, no interruption
        reccc
        rec     %r1
        l       %r1,maxpos
        ah      %r1,minus1h         # AH sign-extends: cc 2
        reccc
        lr      %r2,%r1
        sr      %r2,%r1             # zero: cc 0
        reccc
        s       %r2,one             # negative: cc 1
        reccc
        l       %r1,maxneg
        s       %r1,one             # overflow: cc 3
        reccc
        sh      %r2,minus1h
        reccc
        l       %r3,ffs
        al      %r3,one             # logical: zero with carry: cc 2
        reccc
        l       %r3,ffs
        alr     %r3,%r3             # nonzero with carry: cc 3
        reccc
        la      %r3,5
        al      %r3,one             # nonzero, no carry: cc 1
        reccc
        la      %r3,5
        sl      %r3,five            # zero, borrow-free: cc 2
        reccc
        la      %r3,4
        slr     %r3,%r3
        reccc
        la      %r3,4
        sl      %r3,five            # nonzero with borrow: cc 1
        reccc
        rec     %r3
        l       %r5,thousand        # multiply: even-odd pair 4/5
        m       %r4,minus1
        rec     %r4
        rec     %r5
        l       %r7,big
        mr      %r6,%r7             # 0x12345678 squared, 64-bit product
        rec     %r6
        rec     %r7
        l       %r8,thousand
        mh      %r8,minus1h
        rec     %r8
        l       %r9,maxpos
        mh      %r9,five2           # MH overflow is not detected: low 32 bits kept
        rec     %r9
        la      %r10,0              # divide -1001 by 7: quotient -143, remainder 0
        l       %r11,neg1001
        srda    %r10,0              # (pair already set; SRDA 0 sets cc)
        l       %r10,minus1
        d       %r10,seven
        rec     %r10
        rec     %r11
        l       %r10,minus1         # -10 / 3 = -3 remainder -1
        l       %r11,minus10
        la      %r12,3
        dr      %r10,%r12
        rec     %r10
        rec     %r11
        spm     %r1                 # cc and program mask from bits 2-7 of r1
        reccc
        la      %r4,0
        la      %r5,0
        eoj

        .balign 8
maxpos: .long   0x7fffffff
maxneg: .long   0x80000000
one:    .long   1
five:   .long   5
seven:  .long   7
ffs:    .long   0xffffffff
minus1: .long   0xffffffff
minus10: .long  -10
thousand: .long 1000
big:    .long   0x12345678
neg1001: .long  -1001
minus1h: .short 0xffff
five2:  .short  5
        .org    0x800
results: .space 128
