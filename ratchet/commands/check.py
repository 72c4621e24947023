"""``ratchet check``: hold the reports against the baseline; exit 1 on a regression."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import click

from ratchet import patch as patch_mod
from ratchet import rules
from ratchet.commands.common import (
    config_at_ref,
    config_option,
    format_option,
    load_config,
    load_report,
    read_file_baseline,
    reports_argument,
    require_section,
)
from ratchet.config import Config
from ratchet.outcome import Outcome
from ratchet.render import jsonout, markdown, text
from ratchet.render import patch as patch_render


def evaluate(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    baseline_ref: str | None,
    diff_ref: str | None = None,
    diff_file: str | None = None,
) -> Outcome:
    """Everything ``check`` (and ``update``) decide, with the I/O they need."""
    changes = None
    if diff_ref is not None or diff_file is not None:
        changes = patch_mod.collect(cfg.root, ref=diff_ref, diff_file=diff_file)
    keep = changes.paths.__contains__ if changes is not None else None
    rep = load_report(cfg, reports, keep_detail=keep)
    files = read_file_baseline(cfg)
    ref_cfg = None
    if baseline_ref:
        ref_cfg, ref_files = config_at_ref(cfg, baseline_ref)
        if ref_files is not None:
            files = ref_files
    verdict = rules.evaluate(rep, cfg, files, ref_config=ref_cfg)
    if changes is None:
        return Outcome(rep, verdict, cfg)
    result = patch_mod.evaluate(rep, changes, cfg, verdict)
    if result.waived:
        # Drops in files the change did not touch (fail_on_indirect = false): the patch
        # result lists them as indirect and says why they do not fail.
        kept = tuple(f for f in verdict.failures if f not in result.waived)
        verdict = dataclasses.replace(verdict, failures=kept)
    return Outcome(rep, verdict, cfg, result)


def render(outcome: Outcome, fmt: str) -> str:
    if fmt == "json":
        return jsonout.dumps(jsonout.outcome_dict(outcome))
    if fmt == "markdown":
        return render_markdown(outcome)
    out = text.verdict(outcome.verdict, status=outcome.status)
    if outcome.patch is not None:
        out += patch_render.text(outcome.patch)
    return out


def render_markdown(outcome: Outcome) -> str:
    out = markdown.verdict(outcome.verdict, status=outcome.status)
    if outcome.patch is not None:
        out += "\n" + patch_render.markdown(outcome.patch)
    return out


def in_github(flag: bool | None) -> bool:
    return flag if flag is not None else os.environ.get("GITHUB_ACTIONS") == "true"


@click.command("check")
@reports_argument
@config_option
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
@click.option(
    "--github/--no-github",
    default=None,
    help="GitHub Actions output (summary, outputs, annotations, comment); "
    "default: on when GITHUB_ACTIONS=true.",
)
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    fmt: str,
    baseline_ref: str | None,
    diff_ref: str | None,
    diff_file: str | None,
    no_diff: bool,
    github: bool | None,
) -> None:
    """Fail (exit 1) if coverage fell below the threshold or the baseline."""
    cfg = load_config(config_path)
    require_section(cfg)
    if diff_ref is None and diff_file is None and not no_diff:
        diff_ref = cfg.diff_against
    outcome = evaluate(
        cfg, reports, baseline_ref=baseline_ref, diff_ref=diff_ref, diff_file=diff_file
    )
    click.echo(render(outcome, fmt), nl=False)
    if in_github(github):
        from ratchet.github.publish import publish

        publish(outcome, render_markdown(outcome), os.environ)
    raise SystemExit(outcome.exit_code)
