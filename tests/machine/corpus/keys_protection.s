#@ title: storage keys: SSK/ISK on 2K blocks, SPKA, IPK, store and fetch protection, key 0
#@ keys 0-2fff
#@ compare 1000-100f 1800-180f 2000-200f
#@ expect 900 00000050 00000006 40000232 00000038
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,0x900
        l       %r10,k1000          # %r10 -> 0x1000 (key 5), 0x1800 (key 3, fetch protected)
        l       %r11,k2000          # %r11 -> 0x2000 (key 5)
        la      %r2,0x50            # key 5, no fetch protection
        ssk     %r2,%r10
        la      %r1,0x800(%r10)
        la      %r2,0x38            # key 3, fetch protected
        ssk     %r2,%r1
        la      %r2,0x5e            # key 5 plus reference/change bits given to SSK
        ssk     %r2,%r11
        isk     %r4,%r10
        rec     %r4
        la      %r3,0xabc(%r10)     # bits 28-31 of the address not zero: specification
        isk     %r4,%r3
        la      %r3,0xab0(%r10)     # any other address in the block
        isk     %r4,%r3
        rec     %r4
        l       %r5,pattern
        spka    0x30                # PSW key 3
        st      %r5,0x800(%r10)     # matching key: stored
        st      %r5,0(%r10)         # key 5 block: protection exception
        l       %r6,0(%r10)         # no fetch protection: fetched
        ipk                         # key into bits 24-27 of R2
        st      %r5,0(%r13)         # the results block has key 0: protection
        spka    0x50                # PSW key 5
        st      %r5,4(%r10)         # stored
        l       %r7,0x800(%r10)     # fetch-protected key 3 block: protection
        mvc     0(4,%r11),0x800(%r10)   # fetch protection on the source of MVC too
        spka    0                   # key 0 stores anywhere
        rec     %r6
        rec     %r2
        st      %r5,0x808(%r10)
        mvc     4(4,%r11),0x800(%r10)
        eoj

onpgm:  mvc     0(8,%r13),0x28
        la      %r13,8(%r13)
        lpsw    0x28

        .balign 4
pattern: .long  0xc1c2c3c4
k1000:  .long   0x1000
k2000:  .long   0x2000
        .org    0x900
results: .space 96
        .org    0x1000
        .long   0x11111111
