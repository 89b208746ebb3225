"""DASD volume images, minidisk extents and the volume registry."""
