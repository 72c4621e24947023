"""Renderers: pure functions from values to text. No I/O here."""
