"""CMS, the Conversational Monitor System (see issue: CMS)."""
