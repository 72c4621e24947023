"""``ratchet check``: hold the reports against the baseline; exit 1 on a regression."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ratchet.checking import evaluate
from ratchet.commands.common import (
    config_option,
    echo_err,
    expect_option,
    format_option,
    layout,
    load_config,
    out,
    rcfile_option,
    reports_argument,
    require_section,
    verbosity_options,
)
from ratchet.render.outcome import render, render_markdown

if TYPE_CHECKING:
    from ratchet.github.settings import Settings
    from ratchet.render.comment import Links


def in_github(flag: bool | None, fmt: str) -> bool:
    """``--github`` as given; by default on in Actions for the text format only, so that
    ``--format json > r.json`` in a workflow step writes the document and nothing else."""
    if flag is not None:
        return flag
    return os.environ.get("GITHUB_ACTIONS") == "true" and fmt == "text"


@click.command("check")
@reports_argument
@config_option
@rcfile_option
@format_option
@click.option(
    "--baseline-ref",
    metavar="REF",
    help="Hold the change to the bar committed at REF (e.g. the PR's base branch).",
)
@click.option(
    "--diff",
    "diff_ref",
    metavar="REF",
    help="Also judge the lines changed since the merge-base with REF.",
)
@click.option(
    "--diff-file",
    metavar="FILE",
    help="Take the changed lines from a unified diff file ('-' for stdin).",
)
@click.option("--no-diff", is_flag=True, help="Ignore diff_against from the configuration.")
@expect_option
@click.option(
    "--github/--no-github",
    default=None,
    help="GitHub Actions output (summary, outputs, annotations, comment); "
    "default: on when GITHUB_ACTIONS=true and --format is text.",
)
@verbosity_options
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    rcfile: Path | None,
    fmt: str,
    baseline_ref: str | None,
    diff_ref: str | None,
    diff_file: str | None,
    no_diff: bool,
    expect: int | None,
    github: bool | None,
    quiet: bool,
    verbose: bool,
) -> int:
    """Fail (exit 1) if coverage fell below the threshold or the baseline."""
    return run(
        reports,
        config_path=config_path,
        rcfile=rcfile,
        fmt=fmt,
        baseline_ref=baseline_ref,
        diff_ref=diff_ref,
        diff_file=diff_file,
        no_diff=no_diff,
        expect=expect,
        github=github,
        quiet=quiet,
        verbose=verbose,
    )


def run(
    reports: tuple[Path, ...],
    *,
    config_path: Path | None = None,
    rcfile: Path | None = None,
    fmt: str = "text",
    baseline_ref: str | None = None,
    diff_ref: str | None = None,
    diff_file: str | None = None,
    no_diff: bool = False,
    expect: int | None = None,
    github: bool | None = None,
    quiet: bool = False,
    verbose: bool = False,
    settings: Settings | None = None,
) -> int:
    """``check`` in-process (``action`` calls this too): the verdict printed in ``fmt`` (and,
    in GitHub, published); its exit code."""
    shape = layout(quiet=quiet, verbose=verbose)  # a usage error before any work
    cfg = load_config(config_path, rcfile)
    if baseline_ref is None or cfg.present:
        # Under --baseline-ref a section removed on the branch is a loosening of the ref's
        # bar, judged (and failed) by it.
        require_section(cfg)
    # Before any work or output: a bad setting is exit 2 with nothing else said, never a
    # printed FAIL that then exits 2. ``ratchet action`` hands in the ones it read.
    if not in_github(github, fmt):
        settings = None
    elif settings is None:
        settings = _github_settings()
    outcome = evaluate(
        cfg,
        reports,
        baseline_ref=baseline_ref,
        diff_ref=diff_ref,
        diff_file=diff_file,
        diff_from_config=not no_diff,
        expect=expect,
        notify=echo_err if settings is None else _inert_err,
    )
    links = _links(settings) if fmt == "markdown" or settings is not None else None
    document = render(outcome, fmt, links=links, layout=shape)
    colored = shape.color if fmt == "text" else None
    if settings is None:
        out(document, nl=False, color=colored)
        return outcome.exit_code
    from ratchet.github.publish import publish

    out(_inert_document(document, fmt), nl=False, color=colored)
    # After the report, once commands run again. The runner reads stderr too: there they
    # cannot corrupt a JSON or Markdown document on stdout.
    summary = render_markdown(outcome, links=links)
    publish(outcome, summary, settings, echo=out if fmt == "text" else echo_err)
    return outcome.exit_code


def _github_settings() -> Settings:
    from ratchet.github.settings import Settings

    return Settings.from_env(os.environ)


def _inert_err(message: str) -> None:
    """A warning on stderr in GitHub, where the runner would take a line of it (a file
    name from the report) for a workflow command."""
    from ratchet.github.outputs import inert_line

    echo_err(inert_line(message))


def _links(settings: Settings | None) -> Links | None:
    """Where the tested commit's files are, for links to each uncovered range: the Action's
    head commit, else what the GitHub variables say (a markdown report in any CI step)."""
    from ratchet.render.comment import Links

    if settings is not None:
        return Links.of(settings.server_url, settings.repository, settings.head_sha)
    return Links.of(
        os.environ.get("GITHUB_SERVER_URL", "https://github.com"),
        os.environ.get("GITHUB_REPOSITORY"),
        os.environ.get("GITHUB_SHA"),
    )


def _inert_document(document: str, fmt: str) -> str:
    """``document`` as the GitHub runner reads it without a workflow command in it: the
    runner reads them from every line of the log, and a report holds file names anyone who
    can open a pull request chooses. Each format means what it meant."""
    if fmt == "text":
        from ratchet.github.outputs import inert_block

        return inert_block(document)
    if fmt == "json":
        # "#[" is only ever inside a JSON string, where \u005b is the same "[": the legacy
        # "##[command]" form cannot appear, and the document means what it meant.
        return document.replace("#[", "#\\u005b")
    # Markdown escapes "#", "[" and ":" everywhere but in code spans (file names): there a
    # zero-width space splits "##[", as the renderer splits "@" mentions.
    return document.replace("##[", "#\u200b#[")
