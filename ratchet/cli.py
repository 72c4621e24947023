"""The command line: options in, a typed call, an exit code out. Nothing else lives here."""

from __future__ import annotations

import difflib
import importlib
import inspect
import os
import sys
import traceback
from typing import Any

import click

from ratchet import __version__
from ratchet.errors import EXIT_ERROR, EXIT_INTERNAL, RatchetError

# Command name -> module. Modules load on first use, so `ratchet check` never pays for
# importing requests (only the GitHub commands need it).
COMMANDS = {
    "report": "ratchet.commands.report",
    "init": "ratchet.commands.init",
    "check": "ratchet.commands.check",
    "update": "ratchet.commands.update",
    "accept": "ratchet.commands.accept",
    "badge": "ratchet.commands.badge",
    "comment": "ratchet.commands.comment",
    "push-update": "ratchet.commands.push_update",
    "merge-driver": "ratchet.commands.merge_driver",
    "action": "ratchet.commands.action",  # the GitHub Action's entry (action.yml)
}
# Not listed by --help, nor offered as a "did you mean" (the command's own ``hidden``).
HIDDEN = frozenset({"action"})


def _one_line(message: str) -> str:
    """An error message as one line whatever it quotes (a file name may hold a newline).
    In a GitHub run also one the runner takes for no command: the names in a report, and
    the files a pattern matched, are chosen by whoever opened the pull request."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from ratchet.github.outputs import inert_line

        return inert_line(message)
    from ratchet.render.common import printable

    return printable(message)


class _Group(click.Group):
    """Exits with the code a command returns (its ``run``'s), and maps every failure to the
    documented exit codes: 2 for anything the user can fix (one line, no traceback), 3 for
    a bug (traceback). Never 0, never 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except RatchetError as e:
            click.echo(f"ratchet: error: {_one_line(str(e))}", err=True)
            ctx.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("ratchet: interrupted", err=True)
            ctx.exit(EXIT_ERROR)
        except Exception:
            traceback.print_exc()
            click.echo(
                "ratchet: internal error (a bug in coverage-ratchet; please report it)", err=True
            )
            ctx.exit(EXIT_INTERNAL)
        if code:
            ctx.exit(code)
        return None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        unknown = name and not name.startswith("-") and name not in COMMANDS
        if unknown and not ctx.resilient_parsing:
            ctx.fail(f"No such command {name!r}.{did_you_mean(name)}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command's whole summary, wrapped, where click would cut it at 45 characters
        or so (often mid-sentence)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, summary(command)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        command: click.Command = importlib.import_module(module).command
        return command


def did_you_mean(name: str) -> str:
    """`` Did you mean 'check'?`` for ``chek``; empty when no command is close."""
    visible = [c for c in COMMANDS if c not in HIDDEN]
    close = difflib.get_close_matches(name, visible, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def summary(command: click.Command) -> str:
    """The first paragraph of a command's help, on one line: the sentence --help lists."""
    if command.short_help:
        return command.short_help
    first = inspect.cleandoc(command.help or "").split("\n\n")[0]
    return " ".join(first.split())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coverage-ratchet")
def cli() -> None:
    """Make test coverage only go up.

    Exit codes: 0 pass, 1 coverage regression or below threshold, 2 bad input, usage or
    configuration, 3 internal error; push-update 4: deferred to a newer commit's run.
    """


def main() -> None:
    # click exits 2 on usage errors already; make sure nothing else can leave with 0 or 1.
    try:
        cli.main(prog_name="ratchet")
    except SystemExit as e:
        code = e.code
        if code is None or isinstance(code, int):
            raise
        raise SystemExit(EXIT_ERROR) from None
    sys.exit(0)  # pragma: no cover - click always raises SystemExit in standalone mode
