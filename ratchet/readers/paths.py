"""Turn the paths producers write into repository-relative POSIX paths.

Remapping follows coverage.py's ``[paths]``: each entry maps a canonical prefix to
patterns (``*`` matches within one path segment) of prefixes it replaces, so a report
written in a container (``/app/src/...``) or on another machine lines up with the checkout.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ratchet.core.globs import glob_regex as _glob
from ratchet.core.globs import posix as _posix


def _pattern(prefix: str) -> re.Pattern[str]:
    prefix = _posix(prefix).rstrip("/")
    if prefix.startswith("*/"):
        # As in coverage.py's [paths]: a leading "*/" matches any number of directories.
        return re.compile("^(?:.*/)?" + _glob(prefix[2:]) + "(?:/|$)")
    anchor = "" if prefix.startswith(("/", "*")) else "(?:.*/)?"
    return re.compile("^" + anchor + _glob(prefix) + "(?:/|$)")


class AmbiguousPath(Exception):
    """A relative name that is a file under more than one of its producer's roots (two
    Cobertura ``<source>``s): the report does not say which one it measured."""

    def __init__(self, raw: str, roots: tuple[str, ...]) -> None:
        super().__init__(raw, roots)
        self.raw = raw
        self.roots = roots


@dataclass(frozen=True)
class PathMap:
    """``[(canonical, (pattern, ...)), ...]`` in config order; first match wins."""

    rules: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = ()

    @classmethod
    def from_config(cls, paths: Mapping[str, Sequence[str]]) -> PathMap:
        rules = []
        for entries in paths.values():
            if not entries:
                continue
            canonical = _posix(entries[0]).rstrip("/")
            rules.append((canonical, tuple(_pattern(e) for e in entries[1:])))
        return cls(tuple(rules))

    def remap(self, path: str) -> str:
        for canonical, patterns in self.rules:
            for pat in patterns:
                m = pat.match(path)
                if m:
                    rest = path[m.end() :]
                    return f"{canonical}/{rest}" if canonical else rest
        return path


class Resolver:
    """Resolves each raw path once; stats the disk only to choose among several roots.

    A relative path is relative to where its producer ran. coverage.py runs in the
    directory it writes its reports to, which need not be the config root (a service of a
    monorepo): so a relative path is first looked for beside the report (``base``), and
    taken from there if the file exists; otherwise it is relative to the config root.
    """

    def __init__(self, root: Path, path_map: PathMap) -> None:
        self.root = root.resolve()
        self._root_posix = _posix(str(self.root))
        self.path_map = path_map
        # Every file of a report passes through resolve(); split classes and LCOV test
        # sections repeat paths. Both tables grow with the number of files, not lines.
        self._resolved: dict[tuple[str, tuple[str, ...], str], str] = {}
        self._missing_dirs: set[str] = set()

    def _relative(self, path: str) -> str:
        path = posixpath.normpath(path)
        if path.startswith("/"):
            root = self._root_posix
            if path == root:
                return "."
            if path.startswith(root + "/"):
                return path[len(root) + 1 :]
            return path
        return path[2:] if path.startswith("./") else path

    def base(self, report: Path) -> str:
        """The directory of ``report`` relative to the root: "" for the root itself, or for
        a report outside it (whose neighbours are no files of this checkout)."""
        try:
            rel = report.resolve().parent.relative_to(self.root)
        except ValueError:
            return ""
        return "" if str(rel) == "." else rel.as_posix()

    def resolve(self, raw: str, roots: Sequence[str] = (), base: str = "") -> str:
        """``base``: the report's directory, from ``base()``."""
        key = (raw, tuple(roots), base)
        done = self._resolved.get(key)
        if done is None:
            done = self._resolved[key] = self._resolve(raw, roots, base)
        return done

    def _exists(self, path: str) -> bool:
        """``(root / path).exists()``, skipping the stat under a directory known missing.

        With several source roots each file is looked for under each root in turn; most
        misses are whole directories, so a report costs about one stat per file.
        """
        parent = posixpath.dirname(path)
        if parent in self._missing_dirs:
            return False
        if (self.root / path).exists():
            return True
        if parent and not (self.root / parent).is_dir():
            self._missing_dirs.add(parent)
        return False

    def _resolve(self, raw: str, roots: Sequence[str], base: str) -> str:
        raw = _posix(raw)
        candidates: list[tuple[str, str]] = []  # (root, path under it)
        if raw.startswith("/") or not roots:
            candidates.append(("", raw))
        else:
            candidates.extend((r, posixpath.join(_posix(r), raw)) for r in roots)
        if base:
            beside = [
                (r, self._relative(self.path_map.remap(posixpath.join(base, c))))
                for r, c in candidates
                if not c.startswith("/")
            ]
            # Only inside the root: a report's neighbours above it are no files of this checkout.
            found = self._found([(r, b) for r, b in beside if not b.startswith("../")])
            if found is not None:
                return self._one(raw, found)
        mapped = [(r, self._relative(self.path_map.remap(c))) for r, c in candidates]
        if len(mapped) > 1:
            found = self._found(mapped)
            if found is not None:
                return self._one(raw, found)
        if mapped[0][1].startswith("/") and not raw.startswith("/"):
            # Written on another machine (a CI runner, a container): its <source> is not
            # ours, but the relative name may well be a file of this checkout.
            local = self._relative(self.path_map.remap(raw))
            if self._exists(local):
                return local
        return mapped[0][1]

    def _found(self, candidates: Iterable[tuple[str, str]]) -> dict[str, str] | None:
        """The candidates that are files of this checkout: path -> the root giving it. Two
        roots naming one directory (".", and the root's own path) give one path."""
        found: dict[str, str] = {}
        for root, path in candidates:
            if path not in found and self._exists(path):
                found[path] = root
        return found or None

    @staticmethod
    def _one(raw: str, found: dict[str, str]) -> str:
        """The one file a name stands for. Of two, either taken would be read as the other
        too (its lines added, or lost): never guessed."""
        if len(found) > 1:
            raise AmbiguousPath(raw, tuple(found.values()))
        return next(iter(found))


def is_absolute(path: str) -> bool:
    """Whether a producer's path is absolute (POSIX, or a Windows drive or UNC path)."""
    return _posix(path).startswith("/")
