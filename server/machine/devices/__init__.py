"""Virtual devices of a virtual machine (the device side of the channel; see base.py)."""
