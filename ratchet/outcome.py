"""What one ``ratchet check`` run found: the value every output (text, JSON, Markdown,
GitHub) is rendered from."""

from __future__ import annotations

from dataclasses import dataclass

from ratchet.config import Config
from ratchet.errors import EXIT_ERROR, EXIT_FAIL, EXIT_INTERNAL, EXIT_PASS
from ratchet.models import Report
from ratchet.patch import PatchResult
from ratchet.rules import Verdict

__all__ = ["EXIT_ERROR", "EXIT_FAIL", "EXIT_INTERNAL", "EXIT_PASS", "Outcome"]


@dataclass(frozen=True)
class Outcome:
    report: Report
    verdict: Verdict
    config: Config
    patch: PatchResult | None = None

    @property
    def passed(self) -> bool:
        return self.verdict.passed and (self.patch is None or self.patch.passed)

    @property
    def status(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def exit_code(self) -> int:
        return EXIT_PASS if self.passed else EXIT_FAIL
