"""Patch-coverage sections of each output format. STUB: owned by issue 5."""

from __future__ import annotations

from typing import Any

from ratchet.patch import PatchResult


def text(p: PatchResult) -> str:
    return ""


def json(p: PatchResult) -> dict[str, Any]:
    return {}


def markdown(p: PatchResult) -> str:
    return ""
