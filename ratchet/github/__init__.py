"""GitHub integration. Only ``ratchet.cli`` / ``ratchet.commands`` import from here."""
