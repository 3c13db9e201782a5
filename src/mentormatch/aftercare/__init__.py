"""The life of a pairing after the mentor accepts: contacts, their rhythm, quiet pairings,
the first-meeting fit check."""
