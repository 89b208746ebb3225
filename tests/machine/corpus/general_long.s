#@ title: MVCL (padding, destructive overlap, zero length) and CLCL (padding, inequality)
#@ compare 10000-1013f
#@ expect 800 00000002 00000000 00000001 00000003
        .include "s370.inc"
        lowcore
        la      %r13,results
        l       %r2,dest            # MVCL 16 bytes from a 5-byte source, pad C'*'
        la      %r3,16
        la      %r4,src
        l       %r5,padlen5
        mvcl    %r2,%r4
        reccc                       # lengths 16 vs 5: cc 2? (destination longer)
        stm     %r2,%r5,regs1
        l       %r2,dest2           # equal lengths: cc 0
        la      %r3,8
        la      %r4,src
        la      %r5,8
        mvcl    %r2,%r4
        reccc
        l       %r2,dest2           # destination shorter: cc 1
        la      %r3,4
        la      %r4,src
        la      %r5,8
        mvcl    %r2,%r4
        reccc
        l       %r2,over            # destructive overlap: cc 3, nothing moved
        la      %r3,8
        l       %r4,dest
        la      %r5,8
        mvcl    %r2,%r4
        reccc
        stm     %r2,%r5,regs2
        la      %r2,0               # zero destination length: cc depends on lengths only
        la      %r3,0
        la      %r4,src
        la      %r5,3
        mvcl    %r2,%r4
        reccc
        la      %r6,str1            # CLCL equal with padding blanks
        la      %r7,6
        la      %r8,str2
        l       %r9,padlen4
        clcl    %r6,%r8
        reccc
        stm     %r6,%r9,regs3
        la      %r6,str1            # CLCL unequal: stops at the first difference
        la      %r7,6
        la      %r8,str3
        la      %r9,6
        clcl    %r6,%r8
        reccc
        stm     %r6,%r9,regs4
        la      %r6,0               # both lengths zero: cc 0
        la      %r7,0
        la      %r8,0
        la      %r9,0
        clcl    %r6,%r8
        reccc
        eoj

        .balign 4
dest:   .long   0x00010000
dest2:  .long   0x00010100
over:   .long   0x00010004
padlen5: .long  0x5c000005
padlen4: .long  0x40000004
src:    .byte   0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8
str1:   .byte   0xc1, 0xc2, 0xc3, 0xc4, 0x40, 0x40
str2:   .byte   0xc1, 0xc2, 0xc3, 0xc4
str3:   .byte   0xc1, 0xc2, 0xc9, 0xc4, 0x40, 0x40
        .org    0x800
results: .space 64
regs1:  .space  16
regs2:  .space  16
regs3:  .space  16
regs4:  .space  16
