#@ title: benchmark loop: L/A/ST/LA/MVC/CLC/BC/IC/STC/LA/BCT, 11 instructions an iteration
#@ ignore 808-817
        .include "s370.inc"
        lowcore
        l       %r3,count           # iterations (patched by bench_cpu.py)
        la      %r2,0
        la      %r5,0
        stck    tod0
loop:   l       %r1,w1              # 11 instructions per iteration
        a       %r1,w2
        st      %r1,w3
        la      %r2,4(%r2)
        mvc     buf1(8),buf2
        clc     buf1(8),buf3
        bc      8,bad               # never taken (fields differ)
        ic      %r4,buf1+3
        stc     %r4,buf3+7
        la      %r5,1(%r5)
        bct     %r3,loop
        stck    tod1
        eoj
bad:    eoj     code=0xBAD0

        .org    0x800
count:  .long   1000                # at 0x800
        .balign 8
tod0:   .long   0, 0                # at 0x808
tod1:   .long   0, 0                # at 0x810
w1:     .long   0x01020304
w2:     .long   0x00000011
w3:     .long   0
buf1:   .space  8
buf2:   .byte   1, 2, 3, 4, 5, 6, 7, 8
buf3:   .byte   1, 2, 3, 4, 5, 6, 7, 9
