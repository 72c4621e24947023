"""The bar's store: everything that reads or writes it (pyproject.toml, the per-file and
history files, the badge, git), atomically and under one lock."""
