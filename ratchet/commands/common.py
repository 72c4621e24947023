"""Options and steps shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ratchet import config as config_mod
from ratchet import filebaseline, git
from ratchet.config import Config
from ratchet.errors import RatchetError
from ratchet.load import load
from ratchet.models import Counts, Report
from ratchet.paths import PathMap

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("text", "json", "markdown")


def reports_argument(f: F) -> F:
    return click.argument("reports", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))(f)


def config_option(f: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="pyproject.toml to read [tool.ratchet] from (default: nearest one upward).",
    )(f)


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Output format.",
    )(f)


def load_config(config_path: Path | None) -> Config:
    return config_mod.load(config_path)


def require_section(cfg: Config) -> None:
    if not cfg.present:
        where = str(cfg.pyproject) if cfg.pyproject else "pyproject.toml (none found)"
        raise RatchetError("no [tool.ratchet] section; run `ratchet init` first", source=where)


def load_report(
    cfg: Config, reports: tuple[Path, ...], keep_detail: Callable[[str], bool] | None = None
) -> Report:
    paths = list(reports) or [cfg.root / r for r in cfg.reports]
    rep = load(
        paths, root=cfg.root, path_map=PathMap.from_config(cfg.paths), keep_detail=keep_detail
    )
    if not reports and not cfg.reports:
        click.echo(f"ratchet: using {rep.sources[0]}", err=True)
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
        if tsv is not None:
            files = filebaseline.parse(tsv, source=f"{ref}:{ref_cfg.baseline_file}")
    return ref_cfg, files
