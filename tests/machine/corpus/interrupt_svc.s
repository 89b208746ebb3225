#@ title: SVC interruptions: codes 0, 17, 255, from the problem state, and by EXECUTE
#@ expect 800 00000000 40000206
#@ expect 808 00000011 40000208
        .include "s370.inc"
        lowcore svc=onsvc
        la      %r13,0x800
        svc     0
        svc     17
        svc     255
        la      %r1,0x12
        ex      %r1,svcx            # SVC 0x10 ORed with 0x12: code 0x12, ILC 2
        lpsw    probpsw
1:      svc     3                   # from the problem state: the old PSW shows it
        la      %r12,0xcc
        eoj

onsvc:  mvc     0(8,%r13),0x20      # record the SVC old PSW
        la      %r13,8(%r13)
        ni      0x21,0xfe           # back to the supervisor state
        lpsw    0x20

svcx:   svc     0x10
        .balign 8
probpsw: .long  0x00010000, 1b
        .org    0x800
results: .space 64
