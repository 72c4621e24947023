"""The bar as committed at a git ref (its configuration, per-file baseline and history),
at the merge-base with it, and the working copy's per-file baseline, which must exist when
the configuration names it."""

from __future__ import annotations

import dataclasses

from ratchet.core import config as config_mod
from ratchet.core.config import Config
from ratchet.core.hold import AtRef
from ratchet.core.models import Counts
from ratchet.errors import RatchetError
from ratchet.store import filebaseline, history


def read_file_baseline(cfg: Config) -> dict[str, Counts] | None:
    """The working copy's per-file baseline; None when the configuration names none.

    A ``baseline_file`` named but missing is bad input: read as "no per-file baseline", it
    would turn off every per-file rule, and the next ``update`` would write it anew from
    whatever the report says."""
    path = cfg.baseline_path
    if path is None:
        return None
    files = filebaseline.read(path)
    if files is None:
        raise RatchetError(
            f"[tool.ratchet] names baseline_file {cfg.baseline_file!r}, which does not exist: "
            f"without it no file is held to its own bar. Restore it (`git checkout -- "
            f"{cfg.baseline_file}`); to start per-file baselines, create it empty and run "
            "`ratchet update`",
            source=str(cfg.pyproject),
        )
    return files


def at_ref(cfg: Config, ref: str) -> AtRef:
    """The configuration, per-file baseline and history as committed at ``ref``."""
    from ratchet.store import git  # imported when needed: a plain `check` starts faster

    if cfg.pyproject is None:
        raise RatchetError("--baseline-ref needs a pyproject.toml")
    at = git.commit(ref, cfg.root)
    text = at.show(cfg.pyproject)
    commit = at.commit
    src = f"{ref}:{cfg.pyproject.name}"
    if text is None:
        return AtRef(ref, commit, Config(pyproject=cfg.pyproject), None, [])
    table = config_mod.section(text, src)
    ref_cfg = (
        Config(pyproject=cfg.pyproject)
        if table is None
        else config_mod.from_table(table, cfg.pyproject, src=src)
    )
    files = None
    if ref_cfg.baseline_path is not None:
        tsv = at.show(ref_cfg.baseline_path)
        if tsv is None:
            raise RatchetError(
                f"[tool.ratchet] at {ref} names baseline_file {ref_cfg.baseline_file!r}, "
                "which is not committed there",
                source=src,
            )
        files = filebaseline.parse(tsv, source=f"{ref}:{ref_cfg.baseline_file}")
    log = at.show(ref_cfg.history_path)
    events = [] if log is None else history.parse(log, source=f"{ref}:{ref_cfg.history_file}")
    return AtRef(ref, commit, ref_cfg, files, events, table)


def fork_point(cfg: Config, ref: AtRef) -> AtRef | None:
    """The bar where this branch left ``ref`` (their merge-base), when that is another commit
    than ``ref``'s: what the change itself is judged against. None when HEAD contains
    ``ref`` (a merge commit, a branch up to date) or git cannot tell (a clone too shallow to
    hold the merge-base): ``ref`` itself stands in, as it always did."""
    from ratchet.store import git  # as in at_ref

    try:
        base = git.merge_base(ref.commit or ref.ref, cfg.root)
    except RatchetError:
        return None
    if base == ref.commit:
        return None
    fork = at_ref(cfg, base)
    return dataclasses.replace(fork, ref=f"the merge-base with {ref.ref}")
