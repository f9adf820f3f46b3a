"""Backup and restore: the database, stored files, the screening index and the rest of
the data directory, taken consistently while the system runs and restored onto a fresh one."""
