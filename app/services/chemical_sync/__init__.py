"""Chemical-sync context: super-admin list syncs run as system tasks, and their status."""
