#@ title: program interruptions: operation, privileged operation, addressing, specification,
#@ title: fixed-point overflow and divide; old PSW (code, ILC, address) recorded and resumed
#@ expect 900 00000001 40000206
#@ expect gpr 12 000000cc
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,0x900
        .short  0x0000              # operation exception, ILC 1
        .long   0xa7180005          # LHI is S/390 only: operation exception, ILC 2
        l       %r2,far
        l       %r1,0(%r2)          # addressing exception: beyond 2M of storage
        la      %r4,0x0f
        ssk     %r4,%r2             # SSK on a nonexistent block: addressing
        la      %r6,7
        .insn   rx,0x5d000000,%r5,val  # D with an odd first register: specification
        .insn   rr,0x1d00,%r7,%r6   # DR too (GNU as refuses to write these)
        lm      %r8,%r9,val         # R8 pair: 0 / 7 by DR: divide exception
        la      %r10,0
        dr      %r8,%r10            # divide by zero: fixed-point divide, registers unchanged
        rec     %r8
        rec     %r9
        la      %r8,1               # quotient does not fit: fixed-point divide
        la      %r9,0
        la      %r10,1
        dr      %r8,%r10
        cs      %r1,%r2,val+1       # CS operand not on a word boundary: specification
        lpsw    val+4               # LPSW operand not on a doubleword boundary
        l       %r1,fixon
        spm     %r1                 # enable fixed-point overflow interruptions
        l       %r3,maxpos
        a       %r3,val+4           # overflow: interruption after completion, cc 3
        rec     %r3
        sla     %r3,4               # shift overflow: interruption too
        rec     %r3
        lcr     %r3,%r1             # no overflow here
        l       %r1,val             # program mask back to 0
        spm     %r1
        lpsw    probpsw             # problem state from here
1:      ssm     0x800               # privileged operation
        lctl    0,0,val             # privileged operation
        la      %r12,0xcc
        eoj

onpgm:  mvc     0(8,%r13),0x28      # record the program old PSW
        la      %r13,8(%r13)
        ni      0x29,0xfe           # resume in the supervisor state
        lpsw    0x28

        .balign 8
probpsw: .long  0x00010000, 1b
val:    .long   0x00000000, 0x00000007
maxpos: .long   0x7fffffff
fixon:  .long   0x08000000
far:    .long   0x00300000
        .org    0x900
results: .space 192
