"""The field rules of a result read back from JSON (``jsonout.load``): each value held to its
type, range and length before it becomes one of ours, and refused naming the field. A
result artifact comes from whoever opened the pull request, so every bound here is a limit
on what an untrusted run can make the privileged one hold or show."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, NoReturn, TypeVar

from ratchet.core.config import COMPONENT_NAME
from ratchet.errors import RatchetError
from ratchet.store import history

T = TypeVar("T")

MAX_FILES = 500_000
MAX_FAILURES = 500_000
MAX_NOTES = 1_000
MAX_PATH = 4_096
MAX_MESSAGE = 8_192  # a message names a path (at most MAX_PATH) and says a few numbers
# A failure's message ends with its cause, which may name the path again, its old name and a
# test file or two.
MAX_FAILURE = 2 * MAX_MESSAGE
MAX_REASON = 1_000  # a setting's reason: a generated sentence
MAX_ACCEPTED = 50  # accept events of one change: the comment lists every one
MAX_TREND = history.TREND
MAX_PRECISION = 6  # as [tool.ratchet] precision
MAX_COMPONENTS = 1_000
MAX_COUNT = 10**12
MAX_LINES = 1_000_000
MAX_LINE = 10**9


class InvalidArtifact(RatchetError):
    def __init__(self, message: str, *, source: str) -> None:
        super().__init__(f"untrusted result rejected: {message}", source=source)


class Fields:
    """Each field of a result read from ``source`` checked for type, range and length
    (``fail``: refused, naming the field)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> NoReturn:
        raise InvalidArtifact(f"{where}: {message}", source=self.source)

    def obj(
        self, x: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(x, dict):
            self.fail(where, "must be an object")
        unknown = sorted(set(x) - set(required) - set(optional))
        if unknown:
            self.fail(where, f"unexpected key {unknown[0][:60]!r}")
        missing = [k for k in required if k not in x]
        if missing:
            self.fail(where, f"missing key {missing[0]!r}")
        return x

    def integer(self, x: Any, where: str, hi: int = MAX_COUNT) -> int:
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= hi:
            self.fail(where, f"must be an integer between 0 and {hi}")
        return x

    def percent(self, x: Any, where: str) -> Decimal:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            self.fail(where, "must be a number")
        d = Decimal(str(x))
        if not d.is_finite() or not 0 <= d <= 100:
            self.fail(where, "must be a percentage between 0 and 100")
        return d

    def optional_percent(self, x: Any, where: str) -> Decimal | None:
        return None if x is None else self.percent(x, where)

    def string(self, x: Any, where: str, limit: int) -> str:
        if not isinstance(x, str) or len(x) > limit:
            self.fail(where, f"must be a string of at most {limit} characters")
        return x

    def optional_string(self, x: Any, where: str, limit: int) -> str | None:
        return None if x is None else self.string(x, where, limit)

    def name(self, x: Any, where: str) -> str:
        """A component's name: what ``[tool.ratchet.components.NAME]`` allows."""
        if not isinstance(x, str) or not COMPONENT_NAME.match(x):
            self.fail(where, "must be a component name (letters, digits, '.', '_', '-')")
        return x

    def array(self, x: Any, where: str, limit: int) -> list[Any]:
        if not isinstance(x, list) or len(x) > limit:
            self.fail(where, f"must be a list of at most {limit} items")
        return x

    def each(
        self, x: Any, where: str, limit: int, load: Callable[[Fields, Any, str], T]
    ) -> tuple[T, ...]:
        """``load`` of each item of the list ``x`` (at most ``limit``), each named by index."""
        return tuple(
            load(self, item, f"{where}[{i}]") for i, item in enumerate(self.array(x, where, limit))
        )

    def strings(self, x: Any, where: str, limit: int) -> tuple[str, ...]:
        return tuple(
            self.string(n, f"{where}[{i}]", MAX_MESSAGE)
            for i, n in enumerate(self.array(x, where, limit))
        )

    def ranges(self, x: Any, where: str) -> tuple[tuple[int, int], ...]:
        out = []
        for i, r in enumerate(self.array(x, where, MAX_LINES)):
            pair = self.array(r, f"{where}[{i}]", 2)
            if len(pair) != 2:
                self.fail(f"{where}[{i}]", "must be [first, last]")
            a, b = (self.integer(n, f"{where}[{i}]", MAX_LINE) for n in pair)
            if not 1 <= a <= b:
                self.fail(f"{where}[{i}]", "must be 1 <= first <= last")
            out.append((a, b))
        return tuple(out)

    def lines(self, x: Any, where: str) -> tuple[int, ...]:
        return tuple(
            self.integer(n, f"{where}[{i}]", MAX_LINE)
            for i, n in enumerate(self.array(x, where, MAX_LINES))
        )
