#@ title: channel program checks on the 1403 at 00E (CSW of every ending)
#@ timeout 20
        .include "s370.inc"
        lowcore io=ioint

        .macro ccw op, addr, flags, count
        .long (\op<<24)+\addr, (\flags<<24)+\count
        .endm

        .macro tcaw value
        l       %r1,7f
        b       8f
        .balign 4
7:      .long   \value
8:      bal     %r14,doio
        .endm

        .macro test prog, key=0
        tcaw    \prog+(\key<<28)
        .endm

        l       %r13,resptr
        la      %r2,0x30                # key 3, no fetch protection
        l       %r3,protp
        ssk     %r2,%r3
        la      %r2,0x58                # key 5, fetch protected
        l       %r3,fprotp
        ssk     %r2,%r3
        test    p_count0
        test    p_op0
        test    p_tictic
        test    p_ticfirst
        tcaw    p_nop+4
        tcaw    0x00300000
        test    p_baddata
        test    p_dcwrite
        test    p_prot, 3
        test    p_protok, 3
        test    p_fprot, 3
        test    p_read
        test    p_sense
        test    p_nop
        test    p_chain
        test    p_flags
        test    p_ticbad
        test    p_ccwoff
        eoj

doio:   st      %r1,0x48
        xc      0x40(8,%r0),0x40
        .insn   s,0x9c000000,0x00e(%r0)
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
protp:  .long   prot
fprotp: .long   fprot
devaddr: .short 0x000E
        .balign 8
p_count0:   ccw 0x01, line, 0x00, 0
p_op0:      ccw 0x00, line, 0x00, 10
p_tictic:   ccw 0x03, 0, 0x60, 1
            ccw 0x08, p_tictic+16, 0, 0
            ccw 0x08, p_tictic, 0, 0
p_ticfirst: ccw 0x08, p_nop, 0, 0
p_nop:      ccw 0x03, 0, 0x20, 1
p_baddata:  ccw 0x03, 0, 0x60, 1
            ccw 0x09, 0x00300000, 0x20, 10
p_dcwrite:  ccw 0x09, line, 0x80, 5
            ccw 0x08, p_dc2, 0, 0
            .long 0, 0
p_dc2:      ccw 0x00, line+5, 0x20, 5
p_prot:     ccw 0x09, line, 0x20, 10
p_protok:   ccw 0x09, prot, 0x20, 10
p_fprot:    ccw 0x09, fprot, 0x20, 10
p_read:     ccw 0x02, buffer, 0x20, 10
p_sense:    ccw 0x04, sensebuf, 0x20, 1
p_chain:    ccw 0x09, line, 0x60, 10
            ccw 0x0B, 0, 0x60, 1
            ccw 0x03, 0, 0x20, 1
p_flags:    ccw 0x03, 0, 0x23, 1
p_ticbad:   ccw 0x03, 0, 0x60, 1
            ccw 0x08, 0x00300000, 0, 0
p_ccwoff:   ccw 0x03, 0, 0x60, 1
            ccw 0x08, p_nop+4, 0, 0
line:       .byte 0xC8,0xC5,0xD3,0xD3,0xD6,0x40,0xE6,0xD6,0xD9,0xD3
sensebuf:   .space 8
buffer:     .space 16
        .balign 16
results: .space 256
        .org    0x1000
prot:   .byte 0xC1,0xC2,0xC3,0xC4,0xC5,0xC6,0xC7,0xC8,0xC9,0xD1
        .org    0x1800
fprot:  .byte 0xC1,0xC2,0xC3,0xC4,0xC5,0xC6,0xC7,0xC8,0xC9,0xD1
        .org    0x2000
        .long 0
