"""Operating systems that run inside vm370 virtual machines through the guest interface."""
