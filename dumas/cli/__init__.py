"""The command line's plumbing: where a command prints, reads and writes (console), and
its hand-over to the running app when that holds the database (handover, remote)."""
