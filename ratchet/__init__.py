"""coverage-ratchet: make a project's test coverage only go up."""

__version__ = "0.1.0"
