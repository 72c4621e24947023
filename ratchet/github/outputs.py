"""The runner's file commands and workflow commands: ``$GITHUB_OUTPUT``,
``$GITHUB_STEP_SUMMARY`` and ``::error``/``::warning`` annotations.

Escaping follows actions/toolkit (``command.ts``): ``%`` first, then CR and LF; property
values also escape ``:`` and ``,``. Without it, a file name with a newline could end the
annotation and start a workflow command of its own.

Other text that reaches the log can hold a file name too, and the runner reads commands
from every line of stdout and stderr: ``::name::`` at a line's start (after blanks) and the
legacy ``##[name]`` anywhere in it, with CR alone also ending a line. ``inert_block`` wraps
a whole report in ``::stop-commands::`` (GitHub's mechanism for printing untrusted text);
``inert_line`` defuses one line where a block cannot be used.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Mapping
from pathlib import Path

from ratchet.render.common import printable

# A step summary over 1 MiB is rejected by the runner; stay well under it.
MAX_SUMMARY = 1_000_000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    end_line: int | None = None,
    title: str | None = None,
) -> str:
    """One ``::error``/``::warning``/``::notice`` line."""
    if level not in ("error", "warning", "notice"):
        raise ValueError(level)
    return command(level, message, file=file, line=line, endLine=end_line, title=title)


def inert_line(text: str) -> str:
    """``text`` as one log line the runner takes for no command: control characters shown as
    escapes, ``##[`` broken, and a leading ``::`` behind a ``|``."""
    line = printable(text).replace("##[", "##\\[")
    return "| " + line if line.lstrip().startswith("::") else line


def inert_block(text: str) -> str:
    """``text`` between ``::stop-commands::<token>`` and ``::<token>::``: the runner runs no
    command in between, whatever the text holds, and the token is unguessable."""
    while True:
        token = f"coverage-ratchet-{secrets.token_hex(16)}"
        if token not in text:
            break
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"::stop-commands::{token}\n{body}::{token}::\n"


def _delimiter(value: str) -> str:
    while True:
        d = f"ghadelimiter_{uuid.uuid4()}"
        if d not in value:
            return d


def format_outputs(values: Mapping[str, str]) -> str:
    """``name<<ghadelimiter_<uuid>`` blocks: safe for any value, multi-line included."""
    out = []
    for name, value in values.items():
        if not _NAME.match(name):
            raise ValueError(f"invalid output name {name!r}")
        d = _delimiter(value)
        out.append(f"{name}<<{d}\n{value}\n{d}\n")
    return "".join(out)


def write_outputs(path: Path | None, values: Mapping[str, str]) -> None:
    if path is None:
        return
    with path.open("a", encoding="utf-8") as f:
        f.write(format_outputs(values))


def cap_summary(markdown: str, limit: int = MAX_SUMMARY) -> str:
    if len(markdown.encode("utf-8")) <= limit:
        return markdown
    note = "\n\n…(summary truncated to stay under GitHub's 1 MiB limit)\n"
    cut = markdown.encode("utf-8")[: limit - len(note.encode("utf-8"))]
    return cut.decode("utf-8", errors="ignore") + note


def append_summary(path: Path | None, markdown: str) -> None:
    if path is None:
        return
    with path.open("a", encoding="utf-8") as f:
        f.write(cap_summary(markdown))
        if not markdown.endswith("\n"):
            f.write("\n")
