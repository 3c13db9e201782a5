"""Programs: every newcomer, mentor, pairing and message belongs to one (docs/programs.md)."""
