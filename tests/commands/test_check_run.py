"""``ratchet check`` as a plain function: its ``run`` returns the verdict's exit code (the
shape every command has, which ``action`` relies on), and what it prints in GitHub carries
no workflow command in any format."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ratchet.commands import check
from tests.conftest import copy_sample

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("threshold", "code"), [(50, 0), (99, 1)])
def test_run__returns_the_exit_code_and_never_exits(
    tmp_path, sample_reports, capsys, threshold, code
):
    root = copy_sample(sample_reports, tmp_path)
    (root / "pyproject.toml").write_text(f"[tool.ratchet]\nthreshold = {threshold}\n")
    old = Path.cwd()
    os.chdir(root)
    try:
        got = check.run((Path("coverage.json"),), github=False)
    finally:
        os.chdir(old)
    assert got == code
    assert ("PASS" if code == 0 else "FAIL") in capsys.readouterr().out


SMUGGLED = "src/::error::x.py\n##[error]x.py\n"


@pytest.mark.unit
def test_inert_document__text_between_stop_commands_and_its_token():
    shown = check._inert_document(SMUGGLED, "text")
    first, *body, last = shown.splitlines()
    token = first.removeprefix("::stop-commands::")
    assert first != token and last == f"::{token}::"
    assert "\n".join(body) + "\n" == SMUGGLED


@pytest.mark.unit
def test_inert_document__json_means_what_it_meant_without_the_legacy_form():
    document = json.dumps({"path": SMUGGLED})
    shown = check._inert_document(document, "json")
    assert "##[" not in shown
    assert json.loads(shown) == {"path": SMUGGLED}


@pytest.mark.unit
def test_inert_document__markdown_splits_the_legacy_form_only():
    shown = check._inert_document("`##[error]x.py` and # heading", "markdown")
    assert shown == "`#\u200b#[error]x.py` and # heading"
