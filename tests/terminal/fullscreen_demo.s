# DIAGNOSE X'58' full-screen demo (tests/terminal/test_fullscreen3270.py): Erase/Write a
# screen with one input field, wait for the user's ENTER (attention on the console),
# Read Modified it, show it with two line displays (X'19'), end in a disabled wait.
        .text
start:  balr    %r12,0
base:   l       %r6,minus1-base(0,%r12)
        .byte   0x83,0x68               # DIAG 6,8,X'24': r6 = console address
        .short  0x0024
        bc      7,fail1-base(0,%r12)
        mvc     120(8,%r0),iopsw-base(%r12)   # I/O new PSW -> gotio
        la      %r2,ccwew-base(0,%r12)
        .byte   0x83,0x26               # DIAG 2,6,X'58': Erase/Write
        .short  0x0058
        bc      7,fail2-base(0,%r12)
        lpsw    waitpsw-base(%r12)    # enabled wait for the attention
gotio:  la      %r2,ccwrd-base(0,%r12)
        .byte   0x83,0x26               # DIAG 2,6,X'58': Read Modified
        .short  0x0058
        bc      7,fail3-base(0,%r12)
        lh      %r3,0x46(0,%r0)         # residual count from the CSW
        l       %r4,count-base(0,%r12)
        sr      %r4,%r3                 # bytes read
        s       %r4,six-base(0,%r12)    # less AID, cursor, SBA
        sth     %r4,ccwln2+6-base(0,%r12)
        la      %r2,ccwln1-base(0,%r12)
        .byte   0x83,0x26               # DIAG 2,6,X'58': two line displays
        .short  0x0058
        bc      7,fail4-base(0,%r12)
        lpsw    donepsw-base(%r12)
fail1:  lpsw    bad1-base(%r12)
fail2:  lpsw    bad2-base(%r12)
fail3:  lpsw    bad3-base(%r12)
fail4:  lpsw    bad4-base(%r12)
        .align  8
iopsw:  .long   0x00000000, gotio
waitpsw: .long  0xFE020000, 0
donepsw: .long  0x00020000, 0x0000F58E
bad1:   .long   0x00020000, 0x0000BAD1
bad2:   .long   0x00020000, 0x0000BAD2
bad3:   .long   0x00020000, 0x0000BAD3
bad4:   .long   0x00020000, 0x0000BAD4
ccwew:  .byte   0x29
        .byte   0
        .short  screen
        .byte   0x20, 0x80
        .short  screenend-screen
ccwrd:  .byte   0x2A
        .byte   0, 0x30, 0x00
        .byte   0x20, 0x80
        .short  200
ccwln1: .byte   0x19
        .byte   0
        .short  label
        .byte   0x60, 0x03
        .short  labelend-label
ccwln2: .byte   0x19
        .byte   0, 0x30, 0x06
        .byte   0x20, 0x04
        .short  0
minus1: .long   -1
count:  .long   200
six:    .long   6
# WCC reset+restore+reset MDT; row 1: protected title; row 3: an unprotected field
screen: .byte   0xC3, 0x11, 0x40, 0x40, 0x1D, 0xF8
        .byte   0xC6,0xE4,0xD3,0xD3,0x40,0xE2,0xC3,0xD9,0xC5,0xC5,0xD5  # FULL SCREEN
        .byte   0x11, 0xC2, 0x5F, 0x1D, 0x40, 0x13                     # SBA 2/0: field, IC
        .byte   0x11, 0xC2, 0x74, 0x1D, 0xF0                           # SBA 2/21: protected
screenend:
label:  .byte   0xE8,0xD6,0xE4,0x40,0xE3,0xE8,0xD7,0xC5,0xC4,0x7A      # YOU TYPED:
labelend:
