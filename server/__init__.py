"""vm370's CP: the control program, the virtual System/370 and the terminals."""
