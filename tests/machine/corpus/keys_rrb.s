#@ title: RESET REFERENCE BIT: condition code from the reference and change bits, R reset, C kept
#@ keys 3000-37ff
#@ expect 900 00000000 00000002 00000050 00000003 00000052 00000001
# (Hercules 3.13 is wrong when both 2K halves of a 4K frame carry keys: not exercised.)
        .include "s370.inc"
        lowcore mode=ec
        la      %r13,0x900
        l       %r10,k3000
        la      %r2,0x50
        ssk     %r2,%r10            # R=0 C=0
        .insn   s,0xb2130000,0(%r10)   # RRB (GNU as lacks it): R=0 C=0, cc 0
        reccc
        l       %r5,0(%r10)         # R=1
        .insn   s,0xb2130000,0(%r10)   # cc 2, R reset
        reccc
        isk     %r4,%r10
        rec     %r4
        st      %r5,0(%r10)         # R=1 C=1
        .insn   s,0xb2130000,0(%r10)   # cc 3
        reccc
        isk     %r4,%r10
        rec     %r4
        .insn   s,0xb2130000,0(%r10)   # cc 1 (C only)
        reccc
        eoj     mode=ec
        .balign 4
k3000:  .long   0x3000
        .org    0x900
        .space  64
