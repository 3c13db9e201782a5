"""What coordinators were shown and decided, and the criterion weights learned from it."""
