#@ title: FBA channel programs on a 3370 at 200 (CSW, sense, data)
#@ timeout 20
        .include "s370.inc"
        lowcore io=ioint

        .macro ccw op, addr, flags, count
        .long (\op<<24)+\addr, (\flags<<24)+\count
        .endm

        .macro extent name, mask, origin, first, last
\name:  .byte   \mask, 0, 0, 0
        .long   \origin, \first, \last
        .endm

        .macro locate name, op, blocks, first
\name:  .byte   \op, 0
        .short  \blocks
        .long   \first
        .endm

        .macro test prog
        l       %r1,7f
        b       8f
        .balign 4
7:      .long   \prog
8:      bal     %r14,doio
        l       %r1,senseptr
        bal     %r14,doio
        l       %r2,sensebufptr
        mvc     0(24,%r13),0(%r2)
        la      %r13,24(%r13)
        .endm

        l       %r13,resptr
        test    f_read
        test    f_write
        test    f_readback
        test    f_shortw
        test    f_readshort
        test    f_badext
        test    f_extbig
        test    f_locout
        test    f_nodef
        test    f_inhibit
        test    f_twodef
        test    f_seq
        test    f_wrong
        test    f_ipl
        test    f_rdc
        test    f_senseid
        test    f_zero
        test    f_badop
        test    f_resbit
        test    f_nop
        eoj

doio:   st      %r1,0x48
        xc      0x40(8,%r0),0x40
        .insn   s,0x9c000000,0x200(%r0)
        bc      8,1f
        b       2f
1:      lpsw    waitpsw
ioint:  clc     0x3a(2,%r0),devaddr
        bne     1b
2:      mvc     0(8,%r13),0x40
        la      %r13,8(%r13)
        br      %r14

        .balign 8
waitpsw: .long  0xFE020000, 0
resptr: .long   results
senseptr: .long sensep
sensebufptr: .long sensebuf
devaddr: .short 0x0200
        .balign 8
sensebuf: .space 24
        .balign 16
results: .space 1024
        .balign 8
sensep:     ccw 0x04, sensebuf, 0x20, 24
f_read:     ccw 0x63, de_all, 0x40, 16
            ccw 0x43, lo_r21, 0x40, 8
            ccw 0x42, b_read, 0x00, 1024
f_write:    ccw 0x63, de_w10, 0x40, 16
            ccw 0x43, lo_w12, 0x40, 8
            ccw 0x41, pattern, 0x00, 512
f_readback: ccw 0x63, de_r10, 0x40, 16
            ccw 0x43, lo_r12, 0x40, 8
            ccw 0x42, b_back, 0x00, 512
f_shortw:   ccw 0x63, de_w10, 0x40, 16
            ccw 0x43, lo_w24, 0x40, 8
            ccw 0x41, pattern, 0x20, 100
f_readshort: ccw 0x63, de_r10, 0x40, 16
            ccw 0x43, lo_r24, 0x40, 8
            ccw 0x42, b_short, 0x00, 512
f_badext:   ccw 0x63, de_bad, 0x40, 16
            ccw 0x43, lo_r11, 0x40, 8
            ccw 0x42, b_x, 0x20, 512
f_extbig:   ccw 0x63, de_big, 0x40, 16
            ccw 0x43, lo_r11, 0x40, 8
            ccw 0x42, b_x, 0x20, 512
f_locout:   ccw 0x63, de_r10, 0x40, 16
            ccw 0x43, lo_r29, 0x40, 8
            ccw 0x42, b_x, 0x20, 512
f_nodef:    ccw 0x43, lo_r11, 0x40, 8
            ccw 0x42, b_x, 0x20, 512
f_inhibit:  ccw 0x63, de_inh, 0x40, 16
            ccw 0x43, lo_w12, 0x40, 8
            ccw 0x41, pattern, 0x00, 512
f_twodef:   ccw 0x63, de_r10, 0x40, 16
            ccw 0x63, de_r10, 0x00, 16
f_seq:      ccw 0x63, de_r10, 0x40, 16
            ccw 0x43, lo_r11, 0x40, 8
            ccw 0x03, 0, 0x60, 1
            ccw 0x42, b_x, 0x20, 512
f_wrong:    ccw 0x63, de_w10, 0x40, 16
            ccw 0x43, lo_r11, 0x40, 8
            ccw 0x41, pattern, 0x00, 512
f_ipl:      ccw 0x02, b_ipl, 0x00, 24
f_rdc:      ccw 0x64, b_rdc, 0x00, 32
f_senseid:  ccw 0xE4, b_sid, 0x00, 7
f_zero:     ccw 0x63, de_r10, 0x40, 16
            ccw 0x43, lo_r01, 0x40, 8
            ccw 0x42, b_x, 0x20, 512
f_badop:    ccw 0x3F, b_x, 0x20, 1
f_resbit:   ccw 0x63, de_res, 0x00, 16
f_nop:      ccw 0x03, 0, 0x00, 1

        extent  de_all, 0x00, 0, 0, 99
        extent  de_w10, 0xC0, 10, 0, 9
        extent  de_r10, 0x00, 10, 0, 9
        extent  de_bad, 0x00, 0, 5, 4
        extent  de_big, 0x00, 1990, 0, 20
        extent  de_inh, 0x40, 10, 0, 9
        extent  de_res, 0x20, 10, 0, 9
        locate  lo_r21, 0x06, 2, 1
        locate  lo_w12, 0x01, 1, 2
        locate  lo_r12, 0x06, 1, 2
        locate  lo_w24, 0x01, 2, 4
        locate  lo_r24, 0x06, 2, 4
        locate  lo_r11, 0x06, 1, 1
        locate  lo_r29, 0x06, 2, 9
        locate  lo_r01, 0x06, 0, 1
        .balign 8
pattern: .fill  600, 1, 0x5A
b_read: .space  1024
b_back: .space  512
b_short: .space 512
b_x:    .space  512
b_ipl:  .space  24
b_ipl2: .space  1024
b_rdc:  .space  32
b_sid:  .space  8
        .long   0
