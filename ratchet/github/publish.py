"""Publishing an Outcome inside a GitHub run: step summary, annotations, outputs, the
result directory (for the fork-safe second workflow), the PR comment and the commit status.

``publish`` is the entry point: it reads the environment and builds the one real HTTP
session. ``publish_with`` does the work on values handed in, so tests give it a client
pointed at a local server. Nothing here changes the verdict's exit code: a token that may
not write (forks, Dependabot) or an API that is down costs a ``::warning``, never the
verdict.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from ratchet.github import artifact, body, comment, outputs, status
from ratchet.github.client import Forbidden, GitHub, GitHubError
from ratchet.github.settings import Settings
from ratchet.numbers import fmt_pct
from ratchet.outcome import Outcome
from ratchet.patch import PatchResult

MAX_ANNOTATIONS = 50  # GitHub shows 10 per kind per step and 50 per job anyway
TITLE = "Coverage ratchet"
FORK_HINT = (
    "The token cannot write to this repository ({why}). The comment was saved to {file}; "
    "upload the result directory and post it from a workflow_run workflow "
    "(see the coverage-ratchet README, 'Pull requests from forks')."
)


def patch_view(p: PatchResult) -> body.PatchView:
    return body.PatchView(
        counts=p.counts,
        threshold=p.threshold,
        passed=p.passed,
        failures=p.failures,
        uncovered=tuple((f.path, f.uncovered) for f in p.files if f.uncovered),
    )


def result_of(outcome: Outcome) -> body.Result:
    patch = patch_view(outcome.patch) if outcome.patch is not None else None
    return body.Result(outcome.verdict, outcome.status, patch)


def _repo_path(path: str, root: Path, workspace: Path | None) -> str:
    """A report path (relative to the config's root) as the repository sees it."""
    if workspace is None:
        return path
    try:
        rel = (root / path).resolve().relative_to(workspace.resolve())
    except ValueError:
        return path
    return rel.as_posix()


def annotation_lines(outcome: Outcome, workspace: Path | None) -> list[str]:
    """``::error``/``::warning`` lines on the files and lines that failed the ratchet."""
    root = outcome.config.root
    lines: list[str] = []
    failures = outcome.verdict.failures + (outcome.patch.failures if outcome.patch else ())
    for f in failures:
        where = _repo_path(f.path, root, workspace) if f.path else None
        lines.append(outputs.annotation("error", f.message, file=where, title=TITLE))
    if outcome.patch is not None:
        level = "warning" if outcome.patch.passed else "error"
        for pf in outcome.patch.files:
            where = _repo_path(pf.path, root, workspace)
            for a, b in pf.uncovered:
                what = f"Line {a} is" if a == b else f"Lines {a}-{b} are"
                lines.append(
                    outputs.annotation(
                        level,
                        f"{what} changed but not covered by the tests.",
                        file=where,
                        line=a,
                        end_line=b,
                        title=f"{TITLE}: uncovered change",
                    )
                )
    if len(lines) > MAX_ANNOTATIONS:
        rest = len(lines) - MAX_ANNOTATIONS + 1
        lines = lines[: MAX_ANNOTATIONS - 1]
        lines.append(outputs.annotation("notice", f"…and {rest} more; see the job summary."))
    return lines


def output_values(
    result: body.Result,
    posted: comment.Posted | None,
    comment_file: Path | None,
    settings: Settings,
) -> dict[str, str]:
    v = result.verdict
    d = body.delta(v)
    return {
        "status": result.status,
        "coverage": fmt_pct(v.percent),
        "baseline": "" if v.baseline is None else str(v.baseline),
        "threshold": str(v.threshold),
        "new-threshold": str(v.new_threshold),
        "delta": "" if d is None else body.signed(d, 4),
        "comment-id": str(posted.id) if posted and posted.id is not None else "",
        "comment-action": posted.action if posted else comment.SKIPPED,
        "comment-file": str(comment_file) if comment_file else "",
        "result-dir": str(settings.result_dir),
    }


def should_create(result: body.Result, mode: str) -> bool:
    """``always`` creates a comment on every PR; ``auto`` only when there is news: a
    failure, no baseline yet, or a count that moved. Either way an existing one is updated."""
    if mode == "always":
        return True
    v = result.verdict
    return (
        result.status != "pass"
        or v.baseline is None
        or bool(v.changes)
        or v.baseline_uncovered != v.totals.missing
    )


@dataclass(frozen=True)
class Published:
    posted: comment.Posted | None
    comment_file: Path


def post_comment(
    gh: GitHub, settings: Settings, pr: int, text: str, *, create: bool
) -> comment.Posted:
    assert settings.repository is not None
    login = gh.login() or settings.bot_login
    return comment.upsert(
        gh,
        settings.repository,
        pr,
        text,
        marker=body.marker(settings.id),
        authors={login},
        create=create,
    )


def publish_with(
    result: body.Result,
    data: dict[str, Any],
    markdown: str,
    settings: Settings,
    gh: GitHub | None,
    *,
    notes: list[str],
    echo: Callable[[str], None],
) -> Published:
    """Everything after the verdict; ``notes`` are annotation lines printed first."""
    outputs.append_summary(settings.summary_file, markdown)
    for line in notes:
        echo(line)
    text = body.render(result, ident=settings.id, run_url=settings.run_url)
    comment_file = artifact.write(settings.result_dir, data, text, settings.pr_number)
    warnings: list[str] = []
    posted: comment.Posted | None = None
    forbidden = False

    if settings.pr_number is not None and settings.comment != "never":
        if gh is None or settings.repository is None:
            warnings.append(
                f"No github-token or repository: the comment was saved to {comment_file}."
            )
        else:
            try:
                posted = post_comment(
                    gh,
                    settings,
                    settings.pr_number,
                    text,
                    create=should_create(result, settings.comment),
                )
            except Forbidden:
                forbidden = True
                why = "the pull request comes from a fork" if settings.fork else "Dependabot?"
                warnings.append(FORK_HINT.format(why=why, file=comment_file))
            except GitHubError as e:
                warnings.append(
                    f"Could not post the PR comment ({e}); it was saved to {comment_file}."
                )

    if settings.commit_status and settings.head_sha and gh is not None and settings.repository:
        try:
            status.post(
                gh,
                settings.repository,
                settings.head_sha,
                result,
                context=settings.status_context,
                target_url=settings.run_url,
            )
        except Forbidden:
            if not forbidden:
                warnings.append(
                    "The token may not set commit statuses here (needs `statuses: write`; "
                    "read-only on forks): no status was set."
                )
        except GitHubError as e:
            warnings.append(f"Could not set the commit status: {e}")

    for w in warnings:
        echo(outputs.annotation("warning", w, title=TITLE))
    outputs.write_outputs(
        settings.output_file, output_values(result, posted, comment_file, settings)
    )
    return Published(posted, comment_file)


def publish(outcome: Outcome, markdown: str, environ: Mapping[str, str]) -> None:
    """Step summary, outputs, annotations, PR comment, commit status."""
    settings = Settings.from_env(environ)
    data = artifact.result_json(outcome)
    notes = annotation_lines(outcome, settings.workspace)

    def echo(line: str) -> None:
        print(line, file=sys.stdout, flush=True)

    with requests.Session() as session:
        gh = None
        if settings.token is not None and settings.repository is not None:
            gh = GitHub(session, settings.api_url, settings.token)
        publish_with(result_of(outcome), data, markdown, settings, gh, notes=notes, echo=echo)


def verify_pr(gh: GitHub, repo: str, pr: int, head_sha: str) -> None:
    """The PR named by an untrusted artifact must be the one whose head the run tested."""
    data = gh.json("GET", f"/repos/{repo}/pulls/{pr}")
    head = data.get("head") if isinstance(data, dict) else None
    actual = head.get("sha") if isinstance(head, dict) else None
    if actual != head_sha:
        raise GitHubError(
            f"pull request #{pr} has head {str(actual)[:40]}, but the run that made this result "
            f"tested {head_sha}: not commenting (a stale run, or an artifact naming another PR)"
        )


def comment_from_artifact(
    directory: Path,
    settings: Settings,
    gh: GitHub | None,
    *,
    echo: Callable[[str], None],
    dry_run: bool = False,
) -> comment.Posted | None:
    """The privileged half: validate the saved result, check the PR, render anew, post."""
    result, saved_pr = artifact.load(directory)
    pr = settings.pr_number if settings.pr_number is not None else saved_pr
    text = body.render(result, ident=settings.id, run_url=settings.run_url)
    if dry_run:
        echo(text)
        return None
    if pr is None:
        raise GitHubError("no pull request number: give --pr-number or a result with pr-number")
    if gh is None or settings.repository is None:
        raise GitHubError("needs GITHUB_TOKEN and GITHUB_REPOSITORY")
    if settings.head_sha is None:
        raise GitHubError(
            "needs the tested commit to check the PR against: run from a workflow_run event "
            "or give --head-sha"
        )
    verify_pr(gh, settings.repository, pr, settings.head_sha)
    posted = None
    if settings.comment != "never":
        posted = post_comment(
            gh, settings, pr, text, create=should_create(result, settings.comment)
        )
        echo(
            f"coverage-ratchet: comment {posted.action} on #{pr}"
            + (f": {posted.url}" if posted.url else "")
        )
    if settings.commit_status:
        status.post(
            gh,
            settings.repository,
            settings.head_sha,
            result,
            context=settings.status_context,
            target_url=settings.run_url,
        )
        echo(f"coverage-ratchet: status {settings.status_context} set on {settings.head_sha[:12]}")
    outputs.append_summary(settings.summary_file, text)
    values = output_values(result, posted, None, settings)
    values["result-dir"] = str(directory)
    outputs.write_outputs(settings.output_file, values)
    return posted
