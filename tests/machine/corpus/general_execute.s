#@ title: EXECUTE: length from a register, R1=0, of a branch and of EXECUTE (execute exception)
#@ expect 800 c1c2c3c4
#@ expect 830 00000003
#@ expect gpr 14 9000023a
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,0x810
        la      %r1,3
        ex      %r1,mvcx            # MVC with length 3 ORed in: moves 4 bytes
        ex      %r0,mvcx            # R1=0: executed unchanged, moves 1 byte
        la      %r1,0x0f
        ex      %r1,nix             # NI with mask 0F ORed into the immediate
        reccc
        la      %r3,1f
        ex      %r0,brx             # executing a BCR branches
        b       bad
1:      ex      %r0,balrx           # BALR under EX: the link's ILC is EX's (2), not BALR's
        rec     %r14
        la      %r4,12
        ex      %r0,exx             # EX of EX: execute exception (code 3)
        la      %r4,13
        eoj
bad:    eoj     code=0xBAD0

onpgm:  mvc     0x830(8),0x28       # record the program old PSW, go on after it
        lpsw    0x28

mvcx:   mvc     0x800(1),src
nix:    ni      0x820,0xf0
brx:    bcr     15,%r3
balrx:  balr    %r14,0
exx:    ex      %r0,mvcx
src:    .byte   0xc1, 0xc2, 0xc3, 0xc4, 0xc5
        .org    0x800
results: .space 16
        .org    0x820
        .byte   0x5a
        .org    0x840
