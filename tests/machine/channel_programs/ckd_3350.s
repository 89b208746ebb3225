#@ title: CKD channel programs on a 3350 at 190 (CSW, sense, data)
#@ timeout 20
        .include "s370.inc"
        lowcore io=ioint

        .macro ccw op, addr, flags, count
        .long (\op<<24)+\addr, (\flags<<24)+\count
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
        test    p_readipl
        test    p_vol1
        test    p_keyloop
        test    p_format
        test    p_cmsread
        test    p_cmswrite
        test    p_cmsread2
        test    p_nrf
        test    p_badop
        test    p_maskwrite
        test    p_twomask
        test    p_seekbad
        test    p_seekmask
        test    p_r0ha
        test    p_mt
        test    p_writeha
        test    p_writer0
        test    p_erase
        test    p_sector
        test    p_senseid
        test    p_multiple
        test    p_high
        test    p_short
        test    p_nosearch
        test    p_datachain
        test    p_eof
        test    p_reserved
        test    p_seekhead
        test    p_kdwrite
        test    p_keyshort
        test    p_rdlong
        test    p_mask08
        test    p_seekcyl
        test    p_iplmask
        test    p_r0mt
        test    p_hamt
        test    p_shamt
        test    p_special
        test    p_overflow
        test    p_updonly
        test    p_nop
        test    p_rcount
        test    p_nrfread
        eoj

# doio: SIO 190 with the CCW address in %r1; record the ending CSW at 0(%r13)
doio:   st      %r1,0x48
        xc      0x40(8,%r0),0x40
        .insn   s,0x9c000000,0x190(%r0)
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
devaddr: .short 0x0190
        .balign 8
sensebuf: .space 24
        .balign 16
results: .space 2048

        .balign 8
sensep:     ccw 0x04, sensebuf, 0x20, 24
p_readipl:  ccw 0x02, b_ipl, 0x60, 24
            ccw 0x12, b_count, 0x00, 8
p_vol1:     ccw 0x07, seek00, 0x40, 6
            ccw 0x31, id003, 0x40, 5
            ccw 0x08, p_vol1+8, 0, 0
            ccw 0x0E, b_vol1, 0x00, 84
p_keyloop:  ccw 0x07, seek00, 0x40, 6
            ccw 0x29, keyvol1, 0x40, 4
            ccw 0x08, p_keyloop+8, 0, 0
            ccw 0x06, b_key, 0x00, 80
p_format:   ccw 0x07, seek10, 0x40, 6
            ccw 0x31, id100, 0x40, 5
            ccw 0x08, p_format+8, 0, 0
            ccw 0x1D, ckd1, 0x40, 808
            ccw 0x1D, ckd2, 0x40, 808
            ccw 0x1D, ckd3, 0x00, 8
p_cmsread:  ccw 0x07, seek10, 0x40, 6
            ccw 0x23, sector, 0x40, 1
            ccw 0x31, id102, 0x40, 5
            ccw 0x08, p_cmsread+16, 0, 0
            ccw 0x06, b_read1, 0x20, 800
p_cmswrite: ccw 0x07, seek10, 0x40, 6
            ccw 0x23, sector, 0x40, 1
            ccw 0x31, id101, 0x40, 5
            ccw 0x08, p_cmswrite+16, 0, 0
            ccw 0x05, data3, 0x20, 800
p_cmsread2: ccw 0x07, seek10, 0x40, 6
            ccw 0x31, id101, 0x40, 5
            ccw 0x08, p_cmsread2+8, 0, 0
            ccw 0x06, b_read2, 0x20, 800
p_nrf:      ccw 0x07, seek10, 0x40, 6
            ccw 0x31, id109, 0x40, 5
            ccw 0x08, p_nrf+8, 0, 0
            ccw 0x06, b_read2, 0x20, 800
p_badop:    ccw 0x3F, sector, 0x20, 1
p_maskwrite: ccw 0x1F, mask40, 0x40, 1
            ccw 0x07, seek10, 0x40, 6
            ccw 0x31, id101, 0x40, 5
            ccw 0x08, p_maskwrite+16, 0, 0
            ccw 0x05, data3, 0x20, 800
p_twomask:  ccw 0x1F, mask00, 0x40, 1
            ccw 0x1F, mask00, 0x00, 1
p_seekbad:  ccw 0x07, seek30, 0x00, 6
p_seekmask: ccw 0x1F, mask18, 0x40, 1
            ccw 0x07, seek10, 0x00, 6
p_r0ha:     ccw 0x07, seek10, 0x40, 6
            ccw 0x16, b_r0, 0x40, 16
            ccw 0x1A, b_ha, 0x00, 5
p_mt:       ccw 0x07, seek10, 0x40, 6
            ccw 0x9E, b_mt, 0x60, 808
            ccw 0x9E, b_mt+808, 0x60, 808
            ccw 0x9E, b_mt+1616, 0x60, 808
            ccw 0x9E, b_mt+2424, 0x20, 808
p_writeha:  ccw 0x07, seek12, 0x40, 6
            ccw 0x19, ha12, 0x00, 5
p_writer0:  ccw 0x1F, maskc0, 0x40, 1
            ccw 0x07, seek12, 0x40, 6
            ccw 0x39, ha12+1, 0x40, 4
            ccw 0x08, p_writer0+16, 0, 0
            ccw 0x15, r0new, 0x40, 16
            ccw 0x1D, ckd12, 0x00, 12
p_erase:    ccw 0x07, seek10, 0x40, 6
            ccw 0x31, id101, 0x40, 5
            ccw 0x08, p_erase+8, 0, 0
            ccw 0x11, ckd2, 0x20, 8
p_sector:   ccw 0x22, b_sector, 0x40, 1
            ccw 0x23, sector, 0x00, 1
p_senseid:  ccw 0xE4, b_senseid, 0x00, 7
p_multiple: ccw 0x07, seek00, 0x40, 6
            ccw 0x5E, b_multiple, 0x20, 400
p_high:     ccw 0x07, seek00, 0x40, 6
            ccw 0x51, id001, 0x40, 5
            ccw 0x08, p_high+8, 0, 0
            ccw 0x0E, b_high, 0x20, 200
p_short:    ccw 0x07, seek00, 0x40, 6
            ccw 0x31, id001, 0x40, 5
            ccw 0x08, p_short+8, 0, 0
            ccw 0x06, b_short, 0x00, 10
p_nosearch: ccw 0x07, seek10, 0x40, 6
            ccw 0x05, data3, 0x20, 800
p_datachain: ccw 0x07, seek00, 0x40, 6
            ccw 0x31, id003, 0x40, 5
            ccw 0x08, p_datachain+8, 0, 0
            ccw 0x06, b_dc1, 0x80, 30
            ccw 0x06, b_dc2, 0x90, 20
            ccw 0x06, b_dc3, 0x00, 30
p_eof:      ccw 0x07, seek12, 0x40, 6
            ccw 0x31, id121, 0x40, 5
            ccw 0x08, p_eof+8, 0, 0
            ccw 0x06, b_eof, 0x20, 10
p_reserved: ccw 0x1F, mask20, 0x00, 1
p_seekhead: ccw 0x1F, mask10, 0x40, 1
            ccw 0x1B, seek13, 0x40, 6
            ccw 0x1A, b_ha2, 0x00, 5

p_kdwrite:  ccw 0x07, seek12, 0x40, 6
            ccw 0x31, id121, 0x40, 5
            ccw 0x08, p_kdwrite+8, 0, 0
            ccw 0x0D, wxyz, 0x00, 4
p_keyshort: ccw 0x07, seek00, 0x40, 6
            ccw 0x29, keyvol1, 0x40, 2
            ccw 0x08, p_keyshort+8, 0, 0
            ccw 0x06, b_keyshort, 0x20, 80
p_rdlong:   ccw 0x07, seek00, 0x40, 6
            ccw 0x31, id001, 0x40, 5
            ccw 0x08, p_rdlong+8, 0, 0
            ccw 0x06, b_rdlong, 0x00, 30
p_mask08:   ccw 0x1F, mask08, 0x40, 1
            ccw 0x13, 0, 0x20, 1
p_seekcyl:  ccw 0x1F, mask08, 0x40, 1
            ccw 0x0B, seek10, 0x40, 6
            ccw 0x1A, b_ha3, 0x00, 5
p_iplmask:  ccw 0x1F, mask00, 0x40, 1
            ccw 0x02, b_ipl2, 0x20, 24
p_r0mt:     ccw 0x07, seek10, 0x40, 6
            ccw 0x96, b_r0mt, 0x00, 16
p_hamt:     ccw 0x07, seek129, 0x40, 6
            ccw 0x9A, b_ha4, 0x00, 5
p_shamt:    ccw 0x07, seek10, 0x40, 6
            ccw 0xB9, ha11, 0x40, 4
            ccw 0x03, 0, 0x60, 1
            ccw 0x1A, b_ha5, 0x00, 5
p_special:  ccw 0x07, seek13h, 0x40, 6
            ccw 0x31, id130, 0x40, 5
            ccw 0x08, p_special+8, 0, 0
            ccw 0x01, ckd131, 0x40, 16
            ccw 0x12, b_count2, 0x00, 8
p_overflow: ccw 0x07, seek14h, 0x40, 6
            ccw 0x31, id140, 0x40, 5
            ccw 0x08, p_overflow+8, 0, 0
            ccw 0x1D, ckd141, 0x40, 19008
            ccw 0x1D, ckd142, 0x00, 1008
p_updonly:  ccw 0x1F, mask80, 0x40, 1
            ccw 0x07, seek10, 0x40, 6
            ccw 0x31, id101, 0x40, 5
            ccw 0x08, p_updonly+16, 0, 0
            ccw 0x1D, ckd2, 0x20, 808
p_nop:      ccw 0x03, 0, 0x00, 1
p_rcount:   ccw 0x07, seek00, 0x40, 6
            ccw 0x12, b_rcount, 0x40, 8
            ccw 0x12, b_rcount+8, 0x40, 8
            ccw 0x12, b_rcount+16, 0x40, 8
            ccw 0x12, b_rcount+24, 0x00, 8
p_nrfread:  ccw 0x07, seek11, 0x40, 6
            ccw 0x06, b_nrf, 0x20, 80

seek11: .short  0, 1, 1
seek129: .short 0, 1, 29
seek13h: .short 0, 1, 3
seek14h: .short 0, 1, 4
id130:  .byte   0, 1, 0, 3, 0
id140:  .byte   0, 1, 0, 4, 0
ha11:   .byte   0, 1, 0, 1
mask08: .byte   0x08
mask80: .byte   0x80
wxyz:   .ascii  "WXYZ"
ckd131: .byte   0, 1, 0, 3, 1, 0, 0, 8
        .ascii  "SPECIAL!"
seek00: .short  0, 0, 0
seek10: .short  0, 1, 0
seek12: .short  0, 1, 2
seek13: .short  0, 2, 3
seek30: .short  0, 3, 0
id001:  .byte   0, 0, 0, 0, 1
id003:  .byte   0, 0, 0, 0, 3
id100:  .byte   0, 1, 0, 0, 0
id101:  .byte   0, 1, 0, 0, 1
id102:  .byte   0, 1, 0, 0, 2
id109:  .byte   0, 1, 0, 0, 9
id121:  .byte   0, 1, 0, 2, 1
keyvol1: .byte  0xE5, 0xD6, 0xD3, 0xF1
sector: .byte   5
mask00: .byte   0x00
mask10: .byte   0x10
mask18: .byte   0x18
mask20: .byte   0x20
mask40: .byte   0x40
maskc0: .byte   0xC0
ha12:   .byte   0, 0, 1, 0, 2
r0new:  .byte   0, 1, 0, 2, 0, 0, 0, 8
        .ascii  "NEWR0..."
ckd12:  .byte   0, 1, 0, 2, 1, 0, 0, 0, 0xAA, 0xBB, 0xCC, 0xDD
ckd3:   .byte   0, 1, 0, 0, 3, 0, 0, 0
        .balign 8
ckd1:   .byte   0, 1, 0, 0, 1, 0, 3, 0x20
        .fill   800, 1, 0x11
ckd2:   .byte   0, 1, 0, 0, 2, 0, 3, 0x20
        .fill   800, 1, 0x22
data3:  .fill   800, 1, 0x33
        .balign 16
b_ipl:  .space  24
b_count: .space 8
b_vol1: .space  84
b_key:  .space  80
b_r0:   .space  16
b_ha:   .space  8
b_ha2:  .space  8
b_sector: .space 8
b_senseid: .space 8
b_short: .space 16
b_dc1:  .space  32
b_dc2:  .space  32
b_dc3:  .space  32
b_eof:  .space  16
b_keyshort: .space 80
b_rdlong: .space 32
b_ha3:  .space  8
b_ha4:  .space  8
b_ha5:  .space  8
b_ipl2: .space  24
b_r0mt: .space  16
b_count2: .space 8
b_rcount: .space 32
b_nrf:  .space  80
b_high: .space  200
b_multiple: .space 400
b_read1: .space 800
b_read2: .space 800
b_mt:   .space  3232
        .balign 8
ckd141: .byte   0, 1, 0, 4, 1, 0, 0x4A, 0x38
        .fill   19000, 1, 0x41
ckd142: .byte   0, 1, 0, 4, 2, 0, 0x03, 0xE8
        .fill   1000, 1, 0x42
        .long   0
