"""Publishing a verdict inside a GitHub run: step summary, annotations, outputs, the result
directory (for the fork-safe second workflow), the PR comment and the commit status.

``publish`` is the entry point: it builds the one real HTTP session. ``publish_with`` does
the work on values handed in, so tests give it a client pointed at a local server. Nothing
here changes the verdict's exit code: a token that may not write (forks, Dependabot), an API
that is down or a runner file that cannot be written costs a ``::warning``, never the
verdict. The settings are read by the command before it prints the verdict, so a bad input
is an error (exit 2) before anything else.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratchet.core.numbers import fmt_pct
from ratchet.core.results import Outcome, Result, Verdict
from ratchet.errors import RatchetError
from ratchet.github import artifact, comment, outputs, status
from ratchet.github.client import Forbidden, GitHub, GitHubError
from ratchet.github.settings import Settings
from ratchet.render import jsonout
from ratchet.render.comment import Links, marker, render
from ratchet.render.headline import signed
from ratchet.store import git

MAX_ANNOTATIONS = 50  # GitHub shows 10 per kind per step and 50 per job anyway
TITLE = "Coverage ratchet"
FORK_HINT = (
    "The token cannot write to this repository ({why}).{saved} "
    "Upload the result directory and post it from a workflow_run workflow "
    "(see coverage-ratchet's docs/action.md, 'Pull requests from forks (and Dependabot)')."
)
PERMISSION_HINT = (
    "The token may not {what} (the workflow needs `{permission}` in its `permissions:`): "
    "no {thing} was {done}.{saved}"
)

Echo = Callable[[str], None]


def repo_top(root: Path, workspace: Path | None) -> Path | None:
    """The directory GitHub takes annotation paths relative to: the top of the repository's
    work tree (a checkout into a subdirectory of the workspace, a monorepo package), else the
    workspace."""
    return git.find_toplevel(root) or workspace


def _repo_path(path: str, root: Path, top: Path | None) -> str:
    """A report path (relative to the config's root) as the repository sees it."""
    if top is None:
        return path
    try:
        rel = (root / path).resolve().relative_to(top.resolve())
    except ValueError:
        return path
    return rel.as_posix()


def annotation_lines(outcome: Outcome, top: Path | None) -> list[str]:
    """``::error``/``::warning`` lines on the files and lines that failed the ratchet;
    ``top``: the repository's top (``repo_top``), which file names are made relative to."""
    root = outcome.config.root
    lines: list[str] = []
    failures = outcome.verdict.failures + (outcome.patch.failures if outcome.patch else ())
    for f in failures:
        where = _repo_path(f.path, root, top) if f.path else None
        lines.append(outputs.annotation("error", f.text, file=where, title=TITLE))
    if outcome.patch is not None:
        level = "warning" if outcome.patch.passed else "error"
        for pf in outcome.patch.files:
            where = _repo_path(pf.path, root, top)
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
    result: Result,
    posted: comment.Posted | None,
    comment_file: Path | None,
    result_dir: Path,
) -> dict[str, str]:
    v = result.verdict
    d = v.delta
    return {
        "status": result.status,
        "coverage": fmt_pct(v.percent),
        "baseline": _baseline_output(v),
        "threshold": str(v.threshold),
        "new-threshold": str(result.plan.threshold) if result.plan else str(v.threshold),
        "delta": "" if d is None else signed(d, 4),
        "comment-id": str(posted.id) if posted and posted.id is not None else "",
        "comment-action": posted.action if posted else comment.SKIPPED,
        # Absolute: later steps run in the workspace, not in this step's working-directory.
        "comment-file": str(comment_file.absolute()) if comment_file else "",
        "result-dir": str(result_dir.absolute()),
        # One JSON list for every component (outputs are declared, so not one a name).
        "components": json.dumps(
            [
                {
                    "name": c.name,
                    "status": c.status,
                    "coverage": fmt_pct(c.percent),
                    "threshold": str(c.threshold),
                    "delta": "" if c.delta is None else signed(c.delta, 4),
                }
                for c in v.components
            ]
        ),
    }


def _baseline_output(v: Verdict) -> str:
    """The percent as recorded by an older version; an exact one as the total is shown."""
    b = v.baseline
    if b is None:
        return ""
    return str(b.legacy) if not b.exact else fmt_pct(b.percent)


def should_create(result: Result, mode: str) -> bool:
    """``always`` creates a comment on every PR; ``auto`` only when there is news: a
    failure, no baseline yet, or a count that moved. Either way an existing one is updated."""
    if mode == "always":
        return True
    v = result.verdict
    return (
        result.status != "pass"
        or v.baseline is None
        or bool(v.changes)
        or bool(result.accepted)
        or v.baseline.uncovered != v.totals.missing
    )


@dataclass(frozen=True)
class Published:
    posted: comment.Posted | None
    comment_file: Path | None  # None: the result directory could not be written


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
        marker=marker(settings.id),
        authors={login},
        create=create,
    )


def links(settings: Settings) -> Links | None:
    """Where the tested commit's files are, when the run knows its repository and commit."""
    return Links.of(settings.server_url, settings.repository, settings.head_sha)


def warn(echo: Echo, message: str) -> None:
    echo(outputs.annotation("warning", message, title=TITLE))


def read_only(settings: Settings) -> bool:
    """The token is read-only whatever the workflow asks for: a fork's or Dependabot's PR."""
    return settings.fork or settings.dependabot


def forbidden_hint(settings: Settings, what: str, saved: str) -> str:
    """Why a 403 on the ``"comment"`` or the ``"status"``, and what to do about it."""
    if read_only(settings):
        why = (
            "the pull request comes from a fork"
            if settings.fork
            else "Dependabot's pull requests get a read-only token"
        )
        return FORK_HINT.format(why=why, saved=saved)
    if what == "comment":
        return PERMISSION_HINT.format(
            what="comment on pull requests",
            permission="pull-requests: write",
            thing="PR comment",
            done="posted",
            saved=saved,
        )
    return PERMISSION_HINT.format(
        what="set commit statuses",
        permission="statuses: write",
        thing="status",
        done="set",
        saved=saved,
    )


def deliver(
    result: Result,
    text: str,
    settings: Settings,
    gh: GitHub | None,
    *,
    pr: int | None,
    comment_file: Path | None,
    result_dir: Path,
    strict: bool,
    echo: Echo,
) -> comment.Posted | None:
    """The PR comment ``text``, the commit status, then the step outputs. ``strict``: an API
    error raises (the privileged half, which has no other job); otherwise it is a warning."""
    saved = f" The comment was saved to {comment_file}." if comment_file else ""
    posted = None
    forbidden = False
    if pr is not None and settings.comment != "never":
        if gh is None or settings.repository is None:
            if strict:
                raise GitHubError("needs GITHUB_TOKEN and GITHUB_REPOSITORY")
            warn(echo, f"No github-token or repository: no PR comment was posted.{saved}")
        else:
            try:
                create = should_create(result, settings.comment)
                posted = post_comment(gh, settings, pr, text, create=create)
                url = f": {posted.url}" if posted.url else ""
                echo(outputs.inert_line(f"coverage-ratchet: comment {posted.action} on #{pr}{url}"))
            except Forbidden:
                if strict:
                    raise
                forbidden = read_only(settings)
                warn(echo, forbidden_hint(settings, "comment", saved))
            except GitHubError as e:
                if strict:
                    raise
                warn(echo, f"Could not post the PR comment ({e}).{saved}")

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
            echo(
                f"coverage-ratchet: status {settings.status_context} set on "
                f"{settings.head_sha[:12]}"
            )
        except Forbidden:
            if strict:
                raise
            if not forbidden:  # a read-only token was explained with the comment
                warn(echo, forbidden_hint(settings, "status", ""))
        except GitHubError as e:
            if strict:
                raise
            warn(echo, f"Could not set the commit status: {e}")

    values = output_values(result, posted, comment_file, result_dir)
    try:
        outputs.write_outputs(settings.output_file, values)
    except OSError as e:
        warn(echo, f"Could not write the step outputs to {settings.output_file}: {e}")
    return posted


def _summary(settings: Settings, markdown: str, echo: Echo) -> None:
    try:
        outputs.append_summary(settings.summary_file, markdown)
    except OSError as e:
        warn(echo, f"Could not write the job summary to {settings.summary_file}: {e}")


def publish_with(
    result: Result,
    data: dict[str, Any],
    summary: str,
    settings: Settings,
    gh: GitHub | None,
    *,
    notes: list[str],
    echo: Echo,
) -> Published:
    """Everything after the verdict; ``notes`` are annotation lines printed first."""
    for line in notes:
        echo(line)
    _summary(settings, summary, echo)
    text = render(result, ident=settings.id, run_url=settings.run_url, links=links(settings))
    comment_file = None
    try:
        comment_file = artifact.write(
            settings.result_dir, data, text, settings.pr_number, settings.id
        )
    except OSError as e:
        warn(echo, f"Could not write the result directory {settings.result_dir}: {e}")
    posted = deliver(
        result,
        text,
        settings,
        gh,
        pr=settings.pr_number,
        comment_file=comment_file,
        result_dir=settings.result_dir,
        strict=False,
        echo=echo,
    )
    return Published(posted, comment_file)


def publish(outcome: Outcome, summary: str, settings: Settings, *, echo: Echo) -> None:
    """Step summary (``summary``, the verdict's Markdown), annotations, result directory,
    outputs, PR comment, commit status."""
    import requests  # here: the rest of the module (and its tests) needs no HTTP library

    notes = annotation_lines(outcome, repo_top(outcome.config.root, settings.workspace))
    with requests.Session() as session:
        gh = None
        if settings.token is not None and settings.repository is not None:
            gh = GitHub(session, settings.api_url, settings.token)
        # The tolerances let the privileged half re-derive the verdict from the numbers. The
        # working copy's: never stricter than the bar applied (a ref's can only be lower).
        result = Result.of(outcome)
        tolerances = outcome.config.tolerance, outcome.config.file_tolerance
        data = jsonout.dump(result, tolerance=tolerances[0], file_tolerance=tolerances[1])
        publish_with(result, data, summary, settings, gh, notes=notes, echo=echo)


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


def ident_for(given: str, saved: str | None) -> str:
    """The id to post under: the comment step's own. The untrusted result may not pick the
    status context or the comment it replaces, so one made with another id (a result without
    one counts as made with none) is refused."""
    if (saved or "") != given:
        raise RatchetError(
            f"the result was made with id {saved or '(none)'!r}, but this step's id is "
            f"{given or '(none)'!r}: not posting (give the comment step the check step's id)"
        )
    return given


def comment_from_artifact(
    directory: Path,
    settings: Settings,
    gh: GitHub | None,
    *,
    echo: Echo,
    dry_run: bool = False,
) -> comment.Posted | None:
    """The privileged half: validate the saved result, check the PR, render anew, post."""
    saved = artifact.load(directory)
    settings = dataclasses.replace(settings, id=ident_for(settings.id, saved.ident))
    pr = settings.pr_number if settings.pr_number is not None else saved.pr_number
    text = render(saved.result, ident=settings.id, run_url=settings.run_url, links=links(settings))
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
    summary = render(saved.result, hidden=False, run_url=settings.run_url, links=links(settings))
    _summary(settings, summary, echo)
    return deliver(
        saved.result,
        text,
        settings,
        gh,
        pr=pr,
        comment_file=None,
        result_dir=directory,
        strict=True,
        echo=echo,
    )
