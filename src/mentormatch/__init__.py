"""MentorMatch: peer-mentor matching for addiction-recovery programs."""

__version__ = "0.1.0"
