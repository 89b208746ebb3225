"""The System/370 processor, storage, channel and devices: pure computation, stdlib only."""
