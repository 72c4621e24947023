"""What ``check`` and ``update`` decide, with the I/O they need: config at a git ref, the
reports, the per-file baselines, the diff. The decisions themselves are pure (``rules``,
``patch``); this module only gathers their inputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from ratchet import config as config_mod
from ratchet import filebaseline, git, rules
from ratchet import patch as patch_mod
from ratchet.config import Config
from ratchet.errors import RatchetError
from ratchet.load import load
from ratchet.models import Counts, Report
from ratchet.outcome import Outcome
from ratchet.paths import PathMap

Notify = Callable[[str], None]


def load_report(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    keep_detail: Callable[[str], bool] | None = None,
    keep_missing_lines: bool = True,
    notify: Notify | None = None,
) -> Report:
    """``keep_missing_lines=False`` for callers that never list missing line numbers: memory
    then grows with the number of files, not with the number of uncovered lines."""
    paths = list(reports) or [cfg.root / r for r in cfg.reports]
    if not reports:
        # Typically a push (the pre-commit hook) before the tests ran: say what to do.
        for p in paths:
            if not p.exists():
                raise RatchetError(
                    "no such file (named by [tool.ratchet] reports);"
                    " run the tests under coverage first",
                    source=str(p),
                )
    rep = load(
        paths,
        root=cfg.root,
        path_map=PathMap.from_config(cfg.paths),
        keep_detail=keep_detail,
        keep_missing_lines=keep_missing_lines,
    )
    if notify is not None and not reports and not cfg.reports:
        notify(f"ratchet: using {rep.sources[0]}")
    return rep


def read_file_baseline(cfg: Config) -> dict[str, Counts] | None:
    path = cfg.baseline_path
    return filebaseline.read(path) if path else None


def config_at_ref(cfg: Config, ref: str) -> tuple[Config, dict[str, Counts] | None]:
    """The configuration and per-file baseline as committed at ``ref``."""
    if cfg.pyproject is None:
        raise RatchetError("--baseline-ref needs a pyproject.toml")
    text = git.show(ref, cfg.pyproject, cfg.root)
    src = f"{ref}:{cfg.pyproject.name}"
    if text is None:
        return Config(pyproject=cfg.pyproject), None
    ref_cfg = config_mod.from_text(text, cfg.pyproject, src=src)
    files = None
    if ref_cfg.baseline_path is not None:
        tsv = git.show(ref, ref_cfg.baseline_path, cfg.root)
        if tsv is None:
            raise RatchetError(
                f"[tool.ratchet] at {ref} names baseline_file {ref_cfg.baseline_file!r}, "
                "which is not committed there",
                source=src,
            )
        files = filebaseline.parse(tsv, source=f"{ref}:{ref_cfg.baseline_file}")
    return ref_cfg, files


def evaluate(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    baseline_ref: str | None = None,
    diff_ref: str | None = None,
    diff_file: str | None = None,
    diff_from_config: bool = False,
    notify: Notify | None = None,
) -> Outcome:
    """``diff_from_config``: no diff was asked for on the command line, so ``diff_against``
    from the configuration decides (the ref's, with ``baseline_ref``)."""
    ref_cfg = ref_files = None
    if baseline_ref:
        ref_cfg, ref_files = config_at_ref(cfg, baseline_ref)
    if diff_from_config and diff_ref is None and diff_file is None:
        diff_ref = _diff_against(cfg, ref_cfg, baseline_ref, notify)
    changes = None
    if diff_ref is not None or diff_file is not None:
        changes = patch_mod.collect(cfg.root, ref=diff_ref, diff_file=diff_file)
    keep = changes.paths.__contains__ if changes is not None else None
    # No output of check or update lists a file's missing lines (the changed files' line
    # detail, kept above, is all that patch coverage needs).
    rep = load_report(cfg, reports, keep_detail=keep, keep_missing_lines=False, notify=notify)
    files = read_file_baseline(cfg)
    bar = cfg
    if ref_cfg is not None:
        if ref_files is not None:  # else the working copy's own per-file bar, if any, holds
            files = ref_files
        bar, _ = rules.held_to_ref(cfg, ref_cfg)
    verdict = rules.evaluate(rep, cfg, files, ref_config=ref_cfg, exists=in_tree(cfg.root))
    if changes is None:
        return Outcome(rep, verdict, bar)
    # Patch coverage's own gates (patch_threshold, patch_empty, fail_on_indirect) are held
    # to the ref like the rest.
    result = patch_mod.evaluate(rep, changes, bar, verdict)
    if result.waived:
        # Drops in files the change did not touch (fail_on_indirect = false): the patch
        # result lists them as indirect and says why they do not fail.
        kept = tuple(f for f in verdict.failures if f not in result.waived)
        verdict = dataclasses.replace(verdict, failures=kept)
    return Outcome(rep, verdict, bar, result)


def _diff_against(
    cfg: Config, ref_cfg: Config | None, baseline_ref: str | None, notify: Notify | None
) -> str | None:
    """The configured ``diff_against``. Held to the ref like every gate: a branch could
    otherwise point it at itself, empty its own patch gate and make its own drops look
    indirect (waived where ``fail_on_indirect = false``). A new value takes effect once it
    is merged."""
    if ref_cfg is None or not ref_cfg.present:
        return cfg.diff_against
    if cfg.diff_against != ref_cfg.diff_against and notify is not None:
        notify(
            f"ratchet: diff_against is held to {baseline_ref}: "
            f"{ref_cfg.diff_against or 'unset'} (the working copy says "
            f"{cfg.diff_against or 'unset'})"
        )
    return ref_cfg.diff_against


def in_tree(root: Path) -> Callable[[str], bool]:
    """Whether a report path (relative to the config root, POSIX) names a file that exists:
    a file absent from a report while still here was not measured, rather than deleted."""

    def exists(path: str) -> bool:
        try:
            return (root / path).is_file()
        except OSError:  # a name too long, say: nothing there we could have measured
            return False

    return exists
