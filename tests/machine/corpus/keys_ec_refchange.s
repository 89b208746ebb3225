#@ title: EC mode: ISK shows reference and change bits, SSK resets them; SVC code at 0x88;
#@ title: BALR link information in EC mode
#@ keys 3000-37ff
#@ expect 900 00000050 00000054 00000056 00000050
#@ expect 88 0002000c
        .include "s370.inc"
        lowcore mode=ec, svc=onsvc
        la      %r13,0x900
        l       %r10,k3000          # a block nothing else touches
        la      %r2,0x50
        ssk     %r2,%r10            # key 5, reference and change off
        isk     %r4,%r10
        rec     %r4
        l       %r5,0(%r10)         # a fetch sets the reference bit
        isk     %r4,%r10
        rec     %r4
        st      %r5,4(%r10)         # a store sets the change bit
        isk     %r4,%r10
        rec     %r4
        ssk     %r2,%r10            # SSK sets them from R1 again
        isk     %r4,%r10
        rec     %r4
        svc     12
        balr    %r14,0
        rec     %r14
        eoj     mode=ec

onsvc:  mvc     0(8,%r13),0x20      # SVC old PSW
        la      %r13,8(%r13)
        lpsw    0x20

        .balign 4
k3000:  .long   0x3000
        .org    0x900
results: .space 64
