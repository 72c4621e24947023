"""Three versions of the bar made one: the merge-base's, ours and theirs, the way a merge
of two branches should leave it. Pure, over values; ``ratchet merge-driver`` (git's side)
and ``check --baseline-ref`` on a branch behind its base (the bar the merge would give) use
it alike.

Per key of ``[tool.ratchet]`` (and of each component) and per line of the per-file baseline:

- a value only one side changed is that side's (a three-way merge, as git's);
- a value both changed: the side that lowered it below the merge-base wins. The one way
  down that passes ``check --baseline-ref`` is ``ratchet accept`` (a lowering no new accept
  event covers fails it, and so does the merge that carries it), so a lowered value is an
  accept's, on the record, and a raise on the other side does not undo it. Else, both
  raised (two updates): the stricter value;
- a key with no order (``paths``, ``reports``, ``step``...) both changed differently is a
  conflict: ``theirs`` stands in, and the caller decides (the merge driver leaves it to
  git's line merge, which shows it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ratchet.core import bar as bar_mod
from ratchet.core.config import baseline_of
from ratchet.core.models import Baseline, Counts
from ratchet.errors import RatchetError

MISSING: Any = object()  # the key is not there

# Ordered keys, and their value when absent: higher is stricter, or lower is.
HIGHER: dict[str, Any] = {
    "threshold": Decimal(0),
    "max_threshold": Decimal(100),
    "patch_threshold": None,  # unset: no gate, below any number
    "precision": 2,
    "expect_reports": None,
}
LOWER: dict[str, Any] = {"tolerance": Decimal(0), "file_tolerance": Decimal(0)}
FLAGS: dict[str, tuple[Any, Any]] = {  # key: (its value when absent, its strict value)
    "fail_on_indirect": (True, True),
    "patch_empty": ("pass", "fail"),
}
COMPONENT_HIGHER: dict[str, Any] = {"threshold": Decimal(0), "patch_threshold": None}
# ``baseline`` (with the older ``baseline_uncovered`` beside it) is a pair: see ``_Baseline``.
BASELINE_KEYS = ("baseline", "baseline_uncovered")


@dataclass(frozen=True)
class Merged:
    """The merged ``[tool.ratchet]`` table (plain values) and the keys no rule could merge
    (``theirs`` stands in for them)."""

    table: dict[str, Any]
    conflicts: tuple[str, ...]


Below = Callable[[Any, Any], bool]  # whether one value holds to less than another


def _number(value: Any, absent: Any) -> Any:
    if value is MISSING:
        return absent
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value  # not a number: no order (``_pick`` says so)
    return Decimal(str(value))


def _higher(absent: Any) -> Below:
    """Higher is stricter; unset (None) holds to nothing."""

    def rank(value: Any) -> Any:
        v = _number(value, absent)
        return Decimal("-Infinity") if v is None else v

    return lambda x, y: bool(rank(x) < rank(y))


def _lower(absent: Any) -> Below:
    return lambda x, y: bool(_number(x, absent) > _number(y, absent))


def _flag(absent: Any, strict: Any) -> Below:
    def strict_(value: Any) -> bool:
        return bool((absent if value is MISSING else value) == strict)

    return lambda x, y: not strict_(x) and strict_(y)


def _baseline_below(x: tuple[Any, Any], y: tuple[Any, Any]) -> bool:
    """Baseline pairs (``baseline``, ``baseline_uncovered``) as ``bar.baseline_lower`` orders
    them: a lower percent; at one percent, more left uncovered. No baseline holds to nothing."""

    def parse(pair: tuple[Any, Any]) -> Baseline | None:
        value, uncovered = pair
        if value is MISSING:
            return None
        return baseline_of(value, None if uncovered is MISSING else uncovered, "baseline")

    return bar_mod.baseline_lower(parse(x), parse(y)) is not None


def _pick(below: Below, base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The merged value of one ordered key (or the baseline pair), and whether it could be
    merged at all. A key absent at the merge-base holds its default there (tolerance 0,
    fail_on_indirect true): setting it looser is a lowering too."""
    if ours == theirs:
        return ours, True
    if ours == base:
        return theirs, True
    if theirs == base:
        return ours, True
    try:
        lowered_ours, lowered_theirs = below(ours, base), below(theirs, base)
        stricter = theirs if below(ours, theirs) else ours
    except (TypeError, RatchetError):  # a value of the wrong type: no order to merge by
        return theirs, False
    if lowered_ours != lowered_theirs:  # one side's accept: it wins
        return (ours if lowered_ours else theirs), True
    return stricter, True


def _pair(table: Mapping[str, Any] | None) -> tuple[Any, Any]:
    if table is None:
        return MISSING, MISSING
    return table.get("baseline", MISSING), table.get("baseline_uncovered", MISSING)


def _merge_keys(
    base: Mapping[str, Any] | None,
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any],
    ordered: Mapping[str, Below],
    skip: frozenset[str],
    where: str,
) -> tuple[dict[str, Any], list[str]]:
    out: dict[str, Any] = {}
    conflicts: list[str] = []
    keys = [k for k in (*ours, *(k for k in theirs if k not in ours)) if k not in skip]
    keys += [k for k in (base or {}) if k not in ours and k not in theirs and k not in skip]
    for key in keys:
        o = (base or {}).get(key, MISSING)
        a, b = ours.get(key, MISSING), theirs.get(key, MISSING)
        below = ordered.get(key)
        if below is not None:
            value, ok = _pick(below, o, a, b)
        elif a == b or b == o:
            value, ok = a, True
        elif a == o:
            value, ok = b, True
        else:
            value, ok = b, False
        if not ok:
            conflicts.append(f"{where}{key}")
        if value is not MISSING:
            out[key] = value
    return out, conflicts


ORDERED: dict[str, Below] = {
    **{k: _higher(v) for k, v in HIGHER.items()},
    **{k: _lower(v) for k, v in LOWER.items()},
    **{k: _flag(*v) for k, v in FLAGS.items()},
}
COMPONENT_ORDERED: dict[str, Below] = {k: _higher(v) for k, v in COMPONENT_HIGHER.items()}


def merge_tables(
    base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any]
) -> Merged:
    """``[tool.ratchet]`` of a merge, from the three versions (plain values, as a TOML
    parser gives them; ``base`` None: no section at the merge-base)."""
    skip = frozenset({*BASELINE_KEYS, "components"})
    out, conflicts = _merge_keys(base, ours, theirs, ORDERED, skip, "")
    pair, ok = _pick(_baseline_below, _pair(base), _pair(ours), _pair(theirs))
    if not ok:
        conflicts.append("baseline")
    for key, value in zip(BASELINE_KEYS, pair, strict=True):
        if value is not MISSING:
            out[key] = value
    components = _merge_components(
        (base or {}).get("components"), ours.get("components"), theirs.get("components")
    )
    if components is not None:
        out["components"], more = components
        conflicts += more
    return Merged(out, tuple(conflicts))


def _merge_components(base: Any, ours: Any, theirs: Any) -> tuple[dict[str, Any], list[str]] | None:
    if not all(isinstance(t, Mapping) for t in (ours or {}, theirs or {}, base or {})):
        return None  # not tables: the configuration's checks say what is wrong
    base, ours, theirs = base or {}, ours or {}, theirs or {}
    if not ours and not theirs:
        return None
    out: dict[str, Any] = {}
    conflicts: list[str] = []
    names = [*ours, *(n for n in theirs if n not in ours)]
    for name in names:
        o, a, b = base.get(name), ours.get(name), theirs.get(name)
        where = f"components.{name}."
        if a is None or b is None:  # added, or removed, on one side
            gone_here = a is None and o is not None and b == o
            gone_there = b is None and o is not None and a == o
            if gone_here or gone_there:
                continue  # removed on one side, untouched on the other: removed
            if a is not None and b is None and o is not None:
                conflicts.append(where.rstrip("."))  # changed here, removed there
            out[name] = a if a is not None else b
            continue
        if not isinstance(a, Mapping) or not isinstance(b, Mapping):
            out[name] = b
            continue
        skip = frozenset({"baseline"})
        merged, more = _merge_keys(
            o if isinstance(o, Mapping) else None, a, b, COMPONENT_ORDERED, skip, where
        )
        conflicts += more
        pair, ok = _pick(  # a component's baseline has no older uncovered key beside it
            _baseline_below,
            ((o.get("baseline", MISSING) if isinstance(o, Mapping) else MISSING), MISSING),
            (a.get("baseline", MISSING), MISSING),
            (b.get("baseline", MISSING), MISSING),
        )
        if not ok:
            conflicts.append(f"{where}baseline")
        if pair[0] is not MISSING:
            merged["baseline"] = pair[0]
        out[name] = merged
    return out, conflicts


def merge_lines(
    base: Mapping[str, Counts] | None,
    ours: Mapping[str, Counts],
    theirs: Mapping[str, Counts],
) -> dict[str, Counts]:
    """The per-file baseline of a merge, line by line, as ``merge_tables`` merges keys: a
    line one side changed (added, raised, removed) is that side's; one both changed, the
    side that lowered it (an accept, which re-records every line) wins, else the stricter
    line (``bar.floor_lower``). No line is lower than any line."""
    base = base or {}
    out: dict[str, Counts] = {}
    for path in sorted({*base, *ours, *theirs}):
        o, a, b = base.get(path), ours.get(path), theirs.get(path)
        if a == b or b == o:
            value = a
        elif a == o:
            value = b
        else:
            lowered_ours = o is not None and _line_below(a, o)
            lowered_theirs = o is not None and _line_below(b, o)
            if lowered_ours != lowered_theirs:
                value = a if lowered_ours else b
            else:  # (neither is None here: a side without the line lowered it, or matched o)
                value = b if b is not None and _line_below(a, b) else a
        if value is not None:
            out[path] = value
    return out


def _line_below(x: Counts | None, y: Counts) -> bool:
    """``x`` holds a file to less than ``y``: no line at all, or a lower floor."""
    return x is None or bar_mod.floor_lower(x, y)
