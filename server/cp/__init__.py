"""The control program: sessions, the command registry and CP commands."""
