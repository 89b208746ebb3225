# Loaded at X'400' by an IPL card deck: reads 80-byte cards from 00C into X'3000'...
# until unit exception (end of file) or unit check, recording the SIO condition code
# and the CSW of each read at X'2000'... (tests/machine/test_channel_hercules.py).
        .text
        .org    0x400
start:  mvc     0x78(8,%r0),iopsw
        l       %r13,resptr
        l       %r12,bufptr
loop:   st      %r12,ccw
        mvi     ccw,0x02
        la      %r1,ccw
        st      %r1,0x48
        xc      0x40(8,%r0),0x40
        .insn   s,0x9c000000,0x00c(%r0)
        balr    %r15,0
        st      %r15,0(%r13)
        bc      8,1f
        b       2f
1:      lpsw    waitpsw
ioint:  clc     0x3a(2,%r0),devaddr
        bne     1b
2:      mvc     4(8,%r13),0x40
        la      %r13,12(%r13)
        la      %r12,80(%r12)
        tm      0x44,0x01               # unit exception: end of file
        bo      done
        tm      0x44,0x02
        bo      done
        b       loop
done:   lpsw    donepsw
        .balign 8
iopsw:  .long   0x00000000, ioint
waitpsw: .long  0xFE020000, 0
donepsw: .long  0x00020000, 0x0000EE00
ccw:    .long   0x02000000, 0x20000050
resptr: .long   0x2000
bufptr: .long   0x3000
devaddr: .short 0x000C
