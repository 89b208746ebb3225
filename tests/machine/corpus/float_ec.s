#@ title: HFP exceptions in EC mode: program mask in PSW bits 20-23 (SPM), the condition code
#@ title: set before the interruption, ILC and code stored at 0x8C, DE suppressed, EX of AER
#@ expect 900 00080300
#@ expect 908 0002000e 00082300
#@ expect 914 0004000d 00080000
#@ expect 920 0004000f
#@ expect a28 60000254
#@ expect a00 41000000 55555555 7f800000 00000000 00000000 00000000 41100000 00000000
        .include "s370.inc"
        lowcore mode=ec, pgm=onpgm
        la      %r13,0x900
        l       %r1,pm3
        spm     %r1                     # masks on: significance and exponent underflow
        ld      %f0,fill
        le      %f0,one
        ser     %f0,%f0                 # significance: cc 0, characteristic kept
        std     %f0,0xa00
        ld      %f2,small
        se      %f2,halfs               # exponent underflow, ILC 2
        std     %f2,0xa08
        l       %r1,pm0
        spm     %r1
        ld      %f4,small
        se      %f4,halfs               # masked: true zero, no interruption
        std     %f4,0xa10
        ld      %f6,one
        de      %f6,zero                # floating-point divide: %f6 unchanged
        std     %f6,0xa18
        ld      %f0,one
        la      %r2,0x02                # EX: AER 0,2 (%f2 holds the wrapped underflow)
        ex      %r2,aer00
        std     %f0,0xa20
        balr    %r15,0
        st      %r15,0xa28
        eoj     mode=ec

onpgm:  mvc     0(8,%r13),0x28          # program old PSW and the EC ILC/code at 0x8C
        mvc     8(4,%r13),0x8c
        la      %r13,12(%r13)
        lpsw    0x28

aer00:  aer     %f0,%f0
        .balign 8
fill:   .long   0x55555555, 0x55555555
one:    .long   0x41100000, 0
small:  .long   0x00100000, 0
halfs:  .long   0x00080000, 0
zero:   .long   0x45000000, 0
pm3:    .long   0x03000000
pm0:    .long   0x00000000
        .org    0x900
results: .space 0x140
