"""One click command per module; each turns options into a call and a result into a code."""
