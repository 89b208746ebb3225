"""``python -m server`` does what the ``vm370`` command does."""

from server.cli import main

raise SystemExit(main())
