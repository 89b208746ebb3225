#@ title: control instructions: SSM, STNSM, STOSM, LCTL/STCTL, SCKC/STCKC, MC (monitor event),
#@ title: SIGP to a CPU that is not there, special operation (SSM suppressed by CR0 bit 1)
#@ expect 900 00001000 00000003 00000040 b0000252
# Hercules 3.13 stores the monitor class and code (0x94-0x9F) only in EC mode;
# control_monitor_ec.s checks them there.
#@ ignore 94-9f
        .include "s370.inc"
        lowcore pgm=onpgm
        la      %r13,0x900
        lctl    8,8,cr8             # monitor masks: class 3 only
        stctl   0,15,crsave         # all sixteen control registers
        l       %r2,crsave+32
        rec     %r2                 # CR8 read back
        la      %r3,1
        sigp    %r4,%r3,0(%r0)      # SIGP sense to CPU 1: not operational, cc 3
        reccc
        stnsm   sysm,0x00           # store the system mask, AND a zero mask in
        stosm   sysm+1,0x40         # store it again, OR the channel 1 mask in
        stnsm   sysm+2,0xbf         # and take it off again
        ssm     mask1               # system mask from storage
        stnsm   sysm+3,0x00
        sckc    cc_val              # clock comparator round trip
        stckc   cc_back
        mc      0x123(%r0),3        # class 3 enabled: monitor event, code 0040
        mc      0x456(%r0),4        # class 4 masked: no interruption
        .long   0xaf100000          # MC with class 16 (bit 8 set): specification
        stctl   0,0,cr0
        oi      cr0,0x40            # CR0 bit 1: SSM suppression
        lctl    0,0,cr0
        ssm     mask1               # special operation exception, code 0013
        ni      cr0,0xbf
        lctl    0,0,cr0
        eoj

onpgm:  mvc     0(8,%r13),0x28      # program old PSW
        la      %r13,8(%r13)
        lpsw    0x28

        .balign 8
cc_val: .long   0x12345678, 0x9abcd000   # (bits below 1 us are model-dependent)
cc_back: .long  0, 0
cr8:    .long   0x00001000          # bit 19: monitor class 3
cr0:    .long   0
mask1:  .byte   0x00
sysm:   .byte   0xff, 0xff, 0xff, 0xff
        .org    0x900
results: .space 128
        .balign 8
crsave: .space  64
