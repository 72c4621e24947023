"""The history of the bar: one JSON object a line, appended by ``init``, ``update`` and
``accept``, committed beside the baseline (``coverage-history.jsonl`` by default).

Stable format, version 1 (docs/history.md)::

    {"v": 1, "event": "update", "date": "2026-12-06T01:02:03Z", "author": "Ann <a@x.org>",
     "commit": "<sha of the measured commit>", "reason": null,
     "total": {"lines_valid": 877, "lines_covered": 874, "branches_valid": 48,
               "branches_covered": 45},
     "threshold": [90, 95],
     "baseline": [{"covered": 771, "measured": 776, "branches": 48, "uncovered": 5}, {...}]}

Lines are independent and only ever appended, so two branches that each add one merge
with git's ``union`` driver (``.gitattributes``: ``coverage-history.jsonl merge=union``),
and readers order events by date, not by position.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from ratchet.core.models import Baseline, Counts, InvalidBaseline
from ratchet.core.numbers import as_json_number, normalize
from ratchet.core.results import EVENT_ACCEPT, EVENT_INIT, EVENT_UPDATE, ComponentMove, Event
from ratchet.errors import RatchetError

VERSION = 1
EVENTS = (EVENT_INIT, EVENT_UPDATE, EVENT_ACCEPT)
MAX_REASON = 2_000
MAX_COMPONENTS = 1_000
TREND = 10  # events shown as the trend
ATTRIBUTES = "merge=union"
COUNT_KEYS = ("lines_valid", "lines_covered", "branches_valid", "branches_covered")


def _baseline_dict(b: Baseline | None) -> dict[str, Any] | None:
    if b is None:
        return None
    if not b.exact:
        return {"percent": as_json_number(b.legacy), "uncovered": b.uncovered}
    return {
        "covered": b.covered,
        "measured": b.measured,
        "branches": b.branches,
        "uncovered": b.uncovered,
    }


def _moved(
    threshold: tuple[Decimal | None, Decimal], baseline: tuple[Baseline | None, Baseline | None]
) -> dict[str, Any]:
    """A bar's ``threshold`` and ``baseline``, each ``[old, new]``: the total's or a component's."""
    return {
        "threshold": [as_json_number(threshold[0]), as_json_number(threshold[1])],
        "baseline": [_baseline_dict(baseline[0]), _baseline_dict(baseline[1])],
    }


def to_line(e: Event) -> str:
    data = {
        "v": VERSION,
        "event": e.event,
        "date": e.date,
        "author": e.author,
        "commit": e.commit,
        "reason": e.reason,
        "total": {k: getattr(e.total, k) for k in COUNT_KEYS},
        **_moved(e.threshold, e.baseline),
    }
    if e.components:  # written only when one moved: other lines stay as they were
        data["components"] = [
            {"name": m.name, **_moved(m.threshold, m.baseline)} for m in e.components
        ]
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": ")) + "\n"


class _Bad(ValueError):
    pass


def _int(x: Any, where: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise _Bad(f"{where} must be a non-negative integer")
    return x


def _opt_str(x: Any, where: str, limit: int = 400) -> str | None:
    if x is not None and (not isinstance(x, str) or len(x) > limit):
        raise _Bad(f"{where} must be a string of at most {limit} characters or null")
    return x


def _pct(x: Any, where: str) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise _Bad(f"{where} must be a number")
    d = Decimal(str(x))
    if not d.is_finite() or not 0 <= d <= 100:
        raise _Bad(f"{where} must be a percentage")
    return normalize(d)


def _obj(x: Any, where: str, keys: Iterable[str]) -> Mapping[str, Any]:
    if not isinstance(x, dict):
        raise _Bad(f"{where} must be an object")
    unknown = sorted(set(x) - set(keys))
    if unknown:
        raise _Bad(f"{where}: unexpected key {unknown[0][:40]!r}")
    return x


def _baseline(x: Any, where: str) -> Baseline | None:
    if x is None:
        return None
    d = _obj(x, where, ("covered", "measured", "branches", "uncovered", "percent"))
    unc = d.get("uncovered")
    uncovered = None if unc is None else _int(unc, f"{where}.uncovered")
    if "percent" in d:
        return Baseline(uncovered=uncovered, legacy=_pct(d["percent"], f"{where}.percent"))
    covered, measured = (
        _int(d.get("covered"), f"{where}.covered"),
        _int(d.get("measured"), f"{where}.measured"),
    )
    br = d.get("branches")
    branches = None if br is None else _int(br, f"{where}.branches")
    try:
        return Baseline(covered, measured, branches, uncovered)
    except InvalidBaseline as e:
        raise _Bad(e.at(where)) from None


def _pair(x: Any, where: str) -> list[Any]:
    if not isinstance(x, list) or len(x) != 2:
        raise _Bad(f"{where} must be [old, new]")
    return x


def _components(x: Any) -> tuple[ComponentMove, ...]:
    if not isinstance(x, list) or len(x) > MAX_COMPONENTS:
        raise _Bad(f"components must be a list of at most {MAX_COMPONENTS}")
    moves = []
    for i, c in enumerate(x):
        at = f"components[{i}]"
        d = _obj(c, at, ("name", "threshold", "baseline"))
        name = d.get("name")
        if not isinstance(name, str) or not name or len(name) > 64:
            raise _Bad(f"{at}.name must be a string of 1 to 64 characters")
        th = _pair(d.get("threshold"), f"{at}.threshold")
        bl = _pair(d.get("baseline"), f"{at}.baseline")
        moves.append(
            ComponentMove(
                name,
                (_pct(th[0], f"{at}.threshold[0]"), _pct(th[1], f"{at}.threshold[1]")),
                (_baseline(bl[0], f"{at}.baseline[0]"), _baseline(bl[1], f"{at}.baseline[1]")),
            )
        )
    return tuple(moves)


def from_line(line: str) -> Event:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as e:
        raise _Bad(f"not JSON ({e.msg})") from None
    d = _obj(
        data,
        "event",
        (
            *("v", "event", "date", "author", "commit", "reason", "total", "threshold"),
            *("baseline", "components"),
        ),
    )
    if d.get("v") is True or d.get("v") != VERSION:  # True == 1 in Python, not in the format
        raise _Bad(f"unknown version {d.get('v')!r} (this ratchet reads version {VERSION})")
    if d.get("event") not in EVENTS:
        raise _Bad(f"event must be one of {', '.join(EVENTS)}")
    date = d.get("date")
    if not isinstance(date, str) or not date.endswith("Z"):
        raise _Bad("date must be an ISO 8601 UTC time ending in Z")
    try:
        datetime.fromisoformat(date[:-1])
    except ValueError:
        raise _Bad(f"date {date[:40]!r} is not an ISO 8601 time") from None
    total = _obj(d.get("total"), "total", COUNT_KEYS)
    lv, lc, bv, bc = (_int(total.get(k), f"total.{k}") for k in COUNT_KEYS)
    if lc > lv or bc > bv:
        raise _Bad("total: more covered than measured")
    th = _pair(d.get("threshold"), "threshold")
    bl = _pair(d.get("baseline"), "baseline")
    reason = _opt_str(d.get("reason"), "reason", MAX_REASON)
    if d["event"] == EVENT_ACCEPT and not (reason and reason.strip()):
        raise _Bad("an accept event needs a reason")
    return Event(
        event=d["event"],
        date=date,
        author=_opt_str(d.get("author"), "author"),
        commit=_opt_str(d.get("commit"), "commit", 64),
        total=Counts(lv, lc, bv, bc),
        threshold=(
            None if th[0] is None else _pct(th[0], "threshold[0]"),
            _pct(th[1], "threshold[1]"),
        ),
        baseline=(_baseline(bl[0], "baseline[0]"), _baseline(bl[1], "baseline[1]")),
        reason=reason,
        components=_components(d.get("components", [])),
    )


def parse(text: str, *, source: str) -> list[Event]:
    """Every event of a history file, oldest first (by date; ties keep file order)."""
    events: list[Event] = []
    for n, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>", "|||||||")):
            raise RatchetError(
                f"line {n}: a merge conflict marker. Every line is one event and their order "
                "does not matter: keep both sides' lines and delete the markers (or add "
                f"`{Path(source).name} {ATTRIBUTES}` to .gitattributes so git does it)",
                source=source,
            )
        try:
            events.append(from_line(line))
        except _Bad as e:
            raise RatchetError(f"line {n}: {e}", source=source) from None
    return sorted(events, key=lambda e: e.date)


def read(path: Path) -> list[Event]:
    from ratchet.store.fsio import read_text

    text = read_text(path)
    return [] if text is None else parse(text, source=str(path))


def new_since(here: list[Event], ref: list[Event]) -> list[Event]:
    """The events of ``here`` that ``ref`` does not have (what a branch added)."""
    old = {to_line(e) for e in ref}
    return [e for e in here if to_line(e) not in old]


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def who_and_what(root: Path) -> tuple[str | None, str | None]:
    """The git author (``Name <email>``) and the HEAD commit of ``root``; None for what git
    cannot tell (no repository, no identity)."""
    import subprocess  # only accept asks: `check` starts faster

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=30
            )
        except (OSError, subprocess.SubprocessError):
            return None
        out = proc.stdout.strip()
        return out if proc.returncode == 0 and out else None

    ident = git("var", "GIT_AUTHOR_IDENT")
    author = ident.rsplit(">", 1)[0] + ">" if ident and ">" in ident else None
    return author, git("rev-parse", "HEAD")
