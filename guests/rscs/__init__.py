"""RSCS, the Remote Spooling Communications Subsystem (see issue: RSCS)."""
