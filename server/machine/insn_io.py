"""Placeholder: filled in the next step (GA22-7000 chapter 7/10/13)."""
