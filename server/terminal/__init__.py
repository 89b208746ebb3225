"""How people reach CP: the telnet listener, the line-mode console and (later) TN3270."""
