#@ title: BC masks, BCR, BCT/BCTR, BXH/BXLE (also with shared registers), BAL/BALR link information
#@ expect gpr 4 00000005
#@ expect 800 0000000a
        .include "s370.inc"
        lowcore
        la      %r13,results
        la      %r4,0
        la      %r1,10              # BCT loop: 10 iterations
        la      %r2,0
1:      la      %r2,1(%r2)
        bct     %r1,1b
        rec     %r2
        la      %r1,3               # BCTR with R2=0 decrements without branching
        bctr    %r1,0
        rec     %r1
        la      %r5,0               # BXLE: index 0, increment 4, limit 20
        la      %r6,4
        la      %r7,20
        la      %r8,0
2:      la      %r8,1(%r8)
        bxle    %r5,%r6,2b
        rec     %r5
        rec     %r8
        la      %r5,20              # BXH counting down: increment -4, limit 0
        l       %r6,minus4
        la      %r7,0
        la      %r8,0
3:      la      %r8,1(%r8)
        bxh     %r5,%r6,3b
        rec     %r5
        rec     %r8
        la      %r9,7               # BXLE with R3 odd: increment and limit in one register
        la      %r10,0
4:      la      %r10,1(%r10)
        lr      %r11,%r9
        bxle    %r11,%r9,5f         # 7+7=14 <= 7? no: falls through
        b       6f
5:      la      %r4,99
6:      rec     %r11
        la      %r3,2               # BC mask tests: after LTR of a positive value (cc 2)
        ltr     %r3,%r3
        bc      8,bad               # mask 8 (cc 0) not taken
        bc      4,bad
        bc      1,bad
        bc      2,7f
        b       bad
7:      bcr     0,%r0               # no-op
        la      %r12,8f
        bcr     15,%r12
        b       bad
8:      bal     %r14,9f             # BAL link: ILC 2, cc 2, address
9:      rec     %r14
        balr    %r14,0              # BALR with R2=0: link only
        rec     %r14
        la      %r12,10f
        balr    %r14,%r12
10:     rec     %r14
        la      %r4,5
        eoj
bad:    eoj     code=0xBAD0

        .balign 4
minus4: .long   -4
        .org    0x800
results: .space 128
