"""coverage.py's notation of what a file did not run (its ``Missing`` column): ``ratchet
report`` prints it, and ``check`` names the lines of a file that lost coverage with it."""

from __future__ import annotations

from functools import lru_cache

from ratchet.core.models import EXIT, FileCoverage

# A branch whose destination the report does not say (istanbul, gcovr and other Cobertura
# producers give only counts; LCOV producers other than coverage.py name branches by block
# and number): its line is listed once, as "12->?".
UNKNOWN = "?"


@lru_cache(maxsize=4096)  # the same few names ("exit", nearby lines) over and over
def arrow_target(name: str) -> int | str:
    """Where a missed branch goes, from the name the readers give it (``readers.EXIT``):
    a line number, ``"exit"`` (also for a second exit, ``exit#2``), or ``UNKNOWN``."""
    if name.isdigit():
        return int(name)
    if name == EXIT or name.startswith(EXIT + "#"):
        return EXIT
    return UNKNOWN


def missing_text(f: FileCoverage) -> str:
    """coverage.py's ``Missing`` column (``results.format_lines`` with branches), from what
    the report kept (``FileCoverage.missing_spans`` and ``partial_branches``).

    Missing statements in spans (``6-10``: the lines between that are not statements do
    not split a span), then every missed branch of a line that ran as ``line->dest`` or
    ``line->exit``, sorted with the spans by line and then as text, as coverage.py sorts
    them ("82->100" before "82->85"). A branch into a missing line is not shown: that
    line is listed already. A line whose missed branches have no known destination is
    listed once as ``line->?``.
    """
    if not f.partial_branches:  # the spans alone, in line order already
        return ", ".join([f"{a}" if a == b else f"{a}-{b}" for a, b in f.missing_spans])
    items: list[tuple[int, str]] = [
        (a, f"{a}" if a == b else f"{a}-{b}") for a, b in f.missing_spans
    ]
    missing = set(f.missing_lines)
    for line, names in f.partial_branches:
        unknown = False
        for name in names:
            dest = arrow_target(name)
            if dest == UNKNOWN:
                unknown = True
            elif dest not in missing:
                items.append((line, f"{line}->{dest}"))
        if unknown:
            items.append((line, f"{line}->{UNKNOWN}"))
    items.sort()
    return ", ".join(text for _, text in items)
