"""Changed-code ("patch") coverage. STUB: owned by the patch-coverage work (issue 5)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ratchet.config import Config
from ratchet.models import Report
from ratchet.rules import Failure, Verdict


@dataclass(frozen=True)
class ChangeSet:
    """Changed lines per repository-relative path, from git or a diff file."""

    description: str

    @property
    def paths(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class PatchResult:
    failures: tuple[Failure, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures


def collect(root: Path, *, ref: str | None, diff_file: str | None) -> ChangeSet:
    raise NotImplementedError


def evaluate(report: Report, changes: ChangeSet, config: Config, verdict: Verdict) -> PatchResult:
    raise NotImplementedError
