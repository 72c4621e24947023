"""The command line's own conventions, in process: "did you mean" for a mistyped command,
whole summaries in ``--help``, and the ``coverage-ratchet`` alias of the ``ratchet`` command."""

from __future__ import annotations

import importlib

import pytest
import tomlkit
from click.testing import CliRunner

from ratchet import cli
from tests.conftest import REPO

pytestmark = pytest.mark.unit


def _run(*args: str):
    result = CliRunner().invoke(cli.cli, list(args), prog_name="ratchet")
    print(result.output)  # shown by pytest only when the test fails
    return result


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("chek", "check"), ("updte", "update"), ("push-updat", "push-update"), ("reprot", "report")],
)
def test_unknown_command__did_you_mean(typed: str, suggested: str):
    r = _run(typed, "coverage.xml")
    assert r.exit_code == 2
    assert r.output.splitlines()[-1] == (
        f"Error: No such command {typed!r}. Did you mean {suggested!r}?"
    )


@pytest.mark.parametrize("typed", ["frobnicate", "actoin"])
def test_unknown_command__nothing_close_or_only_a_hidden_one_suggests_nothing(typed: str):
    r = _run(typed)
    assert r.exit_code == 2
    assert r.output.splitlines()[-1] == f"Error: No such command {typed!r}."


def test_hidden__is_what_the_commands_say():
    hidden = {
        name
        for name, module in cli.COMMANDS.items()
        if importlib.import_module(module).command.hidden
    }
    assert hidden == cli.HIDDEN


def test_help__every_command_with_its_whole_first_sentence():
    r = _run("--help")
    assert r.exit_code == 0
    listing = r.output.split("Commands:\n", 1)[1]
    assert "..." not in listing.replace("REPORT...", "")  # nothing cut short
    flat = " ".join(listing.split())
    for name in cli.COMMANDS:
        command = importlib.import_module(cli.COMMANDS[name]).command
        if name in cli.HIDDEN:
            assert f" {name} " not in f" {flat} "
            continue
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert first.endswith((".", ")")), name  # a whole sentence, as the test assumes
        assert f"{name} {first}" in flat


def test_help__lines_fit_eighty_columns():
    r = _run("--help")
    assert max(len(line) for line in r.output.splitlines()) <= 80


def test_alias__coverage_ratchet_is_the_same_entry_point_and_documented():
    scripts = tomlkit.parse((REPO / "pyproject.toml").read_text()).unwrap()["project"]["scripts"]
    assert scripts == {"ratchet": "ratchet.cli:main", "coverage-ratchet": "ratchet.cli:main"}
    install = (REPO / "README.md").read_text().split("## Install", 1)[1].split("\n## ", 1)[0]
    assert "also installed as `coverage-ratchet`" in " ".join(install.split())


@pytest.mark.parametrize("command", ["check", "update", "report", "init", "accept", "push-update"])
def test_rcfile__a_missing_file_is_refused_before_any_report_is_read(
    tmp_path, ratchet_cli, command: str
):
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 60\n")
    extra = ["--reason", "x"] if command == "accept" else []
    r = ratchet_cli(command, "nothing-here", "--rcfile", "nope.rc", *extra, cwd=tmp_path)
    assert r.code == 2
    assert r.stderr == "ratchet: error: nope.rc: no such file (named by --rcfile)\n"
    assert not (tmp_path / "coverage-history.jsonl").exists()


def test_out__a_character_the_stream_cannot_encode_is_written_as_an_escape(monkeypatch):
    """A pipe on a legacy code page (cp1252 has the dash, not the arrow nor these names):
    the line is written with escapes, not lost with the rest of the output (exit 3)."""
    import io
    import sys

    from ratchet.commands.common import out

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stream)
    out("src/日本.py — 76.00% → 80%")
    stream.flush()
    assert raw.getvalue() == b"src/\\u65e5\\u672c.py \x97 76.00% \\u2192 80%\n"


def test_layout__no_terminal_no_colour_and_100_columns(monkeypatch):
    import io
    import sys

    from ratchet.commands.common import _isatty, layout

    closed = io.StringIO()
    closed.close()
    assert not _isatty(closed) and not _isatty(object())  # never an error
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    shape = layout(verbose=True)
    assert (shape.width, shape.color, shape.verbosity) == (100, False, 1)


def test_layout__on_a_terminal_its_width_and_colour(monkeypatch):
    import io
    import sys

    from ratchet.commands.common import layout

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setenv("COLUMNS", "72")
    monkeypatch.setenv("TERM", "xterm")
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    assert (layout().width, layout().color) == (72, True)
    monkeypatch.setenv("COLUMNS", "20")
    assert layout().width == 40  # a narrower terminal still gets 40 columns
