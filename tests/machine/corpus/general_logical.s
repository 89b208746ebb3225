#@ title: AND/OR/XOR in RR, RX, SI and SS forms; TM
#@ expect 900 00000000 00000000
        .include "s370.inc"
        lowcore
        la      %r13,results
        l       %r1,pat1
        l       %r2,pat2
        lr      %r3,%r1
        nr      %r3,%r2
        reccc
        rec     %r3
        lr      %r3,%r1
        n       %r3,zero
        reccc
        lr      %r3,%r1
        or      %r3,%r2
        reccc
        rec     %r3
        lr      %r3,%r1
        o       %r3,pat2
        rec     %r3
        lr      %r3,%r1
        xr      %r3,%r3
        reccc
        lr      %r3,%r1
        x       %r3,pat2
        reccc
        rec     %r3
        ni      field,0x0f
        reccc
        oi      field+1,0x80
        reccc
        xi      field+2,0xff
        reccc
        ni      field+3,0x00
        reccc
        nc      field2(4),mask
        reccc
        oc      field2+4(4),mask
        reccc
        xc      field2+8(4),mask
        reccc
        xc      clear(8),clear      # XC of a field with itself clears it
        reccc
        tm      tmbyte,0x00         # mask zero: cc 0
        reccc
        tm      tmbyte,0x0c         # all zero: cc 0
        reccc
        tm      tmbyte,0xf0         # all ones: cc 3
        reccc
        tm      tmbyte,0x3c         # mixed: cc 1
        reccc
        eoj

        .balign 4
pat1:   .long   0xf0f0ff00
pat2:   .long   0x0ff0f0ff
zero:   .long   0
mask:   .long   0x5a5a0000
tmbyte: .byte   0xf3
        .org    0x800
results: .space 128
field:  .long   0x12345678
field2: .long   0xffffffff, 0x00000000, 0xa5a5a5a5
        .org    0x900
clear:  .long   0x12345678, 0x9abcdef0
