#@ title: self-modifying code: instructions changed by STC, MVI, ST and MVC between their
#@ title: executions, and the target of EXECUTE changed before it is executed
#@ expect gpr 2 00000007
#@ expect gpr 3 00000003
#@ expect gpr 4 000000c3
        .include "s370.inc"
        lowcore
        la      %r2,0
        la      %r3,0
        la      %r5,3               # three passes through the loop
        la      %r6,1               # increment stored into the LA below
1:      stc     %r6,2f+3            # patch the displacement byte of the LA at 2:
2:      la      %r2,0(%r2)          # adds 1, then 2, then 4 (patched each pass)
        sll     %r6,1
        mvi     3f+1,0xf0           # make the BC at 3: unconditional after the first pass
        la      %r3,1(%r3)          # counts passes
3:      bc      0,4f                # first pass: no-op; later passes jump to 4:
        la      %r3,0x100(%r3)      # only on the first pass... never: see the MVI above
4:      bct     %r5,1b
        st      %r7,5f              # replace the instruction at 5: by a copy of 6:
        mvc     5f(4),6f
5:      la      %r4,0x0bb           # replaced by 6: before it runs
        la      %r8,0xc1
        stc     %r8,7f+1            # the EXECUTE target's immediate becomes C1
        la      %r9,2               # ORed into it: C3
        ex      %r9,7f
        ic      %r4,8f
        eoj
6:      la      %r4,0x0aa
7:      mvi     8f,0x00
        .balign 4
8:      .byte   0
