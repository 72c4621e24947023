"""Path normalisation and remapping (the per-file baseline store: tests/store/test_filebaseline.py;
Markdown escaping: tests/render/test_markdown.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.readers.paths import AmbiguousPath, PathMap, Resolver

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "roots", "expected"),
    [
        ("pkg/a.py", (), "pkg/a.py"),
        ("./pkg/a.py", (), "pkg/a.py"),
        ("{root}/pkg/a.py", (), "pkg/a.py"),
        ("a.py", ("{root}/pkg",), "pkg/a.py"),
        ("pkg\\win\\a.py", (), "pkg/win/a.py"),
        ("/elsewhere/a.py", (), "/elsewhere/a.py"),
        ("pkg/../pkg/a.py", (), "pkg/a.py"),
    ],
)
def test_resolver__repository_relative_posix(tmp_path: Path, raw, roots, expected):
    r = Resolver(tmp_path, PathMap())
    fill = str(tmp_path.resolve())
    assert r.resolve(raw.format(root=fill), tuple(x.format(root=fill) for x in roots)) == expected


def test_resolver__a_name_that_is_a_file_under_two_roots_is_ambiguous(tmp_path: Path):
    for d in ("api", "core"):
        (tmp_path / d / "pkg").mkdir(parents=True)
        (tmp_path / d / "pkg" / "m.py").write_text("")
    roots = (f"{tmp_path}/api", f"{tmp_path}/core")
    r = Resolver(tmp_path, PathMap())
    with pytest.raises(AmbiguousPath) as e:
        r.resolve("pkg/m.py", roots)
    assert (e.value.raw, e.value.roots) == ("pkg/m.py", roots)
    (tmp_path / "core" / "pkg" / "m.py").unlink()
    assert Resolver(tmp_path, PathMap()).resolve("pkg/m.py", roots) == "api/pkg/m.py"


def test_resolver__under_no_root__the_first_roots_name(tmp_path: Path):
    r = Resolver(tmp_path, PathMap())
    assert r.resolve("m.py", (f"{tmp_path}/api", f"{tmp_path}/core")) == "api/m.py"


def test_resolver__two_roots_naming_one_directory_are_one_file(tmp_path: Path):
    (tmp_path / "m.py").write_text("")
    r = Resolver(tmp_path, PathMap())
    assert r.resolve("m.py", (".", str(tmp_path))) == "m.py"


def test_resolver__beside_the_report_two_roots_are_ambiguous_too(tmp_path: Path):
    for d in ("svc/api", "svc/core"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "m.py").write_text("")
    r = Resolver(tmp_path, PathMap())
    with pytest.raises(AmbiguousPath):
        r.resolve("m.py", ("api", "core"), base="svc")
    assert r.resolve("m.py", ("api", "lib"), base="svc") == "svc/api/m.py"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/app/src/pkg/a.py", "src/pkg/a.py"),  # a container path
        ("/home/runner/work/x/x/src/pkg/a.py", "src/pkg/a.py"),  # `*` matches one segment
        ("C:\\build\\agent\\src\\pkg\\a.py", "src/pkg/a.py"),  # a Windows runner
        (".tox/py311/lib/python3.11/site-packages/pkg/a.py", "src/pkg/a.py"),
        ("/app/srcx/a.py", "/app/srcx/a.py"),  # prefixes match whole segments only
        ("src/pkg/a.py", "src/pkg/a.py"),
    ],
)
def test_path_map__coverage_py_paths_semantics(tmp_path: Path, raw: str, expected: str):
    pm = PathMap.from_config(
        {
            "source": [
                "src/",
                "/app/src/",
                "/home/runner/work/*/*/src",
                "C:/build/*/src",
                "*/site-packages/",
            ]
        }
    )
    # site-packages holds the package itself, so map it onto src/ + package.
    pm2 = PathMap.from_config({"pkg": ["src/pkg", "*/site-packages/pkg"]})
    r = Resolver(tmp_path, pm)
    got = r.resolve(raw)
    if "site-packages" in raw:
        got = Resolver(tmp_path, pm2).resolve(raw)
    assert got == expected


def test_resolver__report_from_another_machine_falls_back_to_the_checkout(tmp_path: Path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("")
    r = Resolver(tmp_path, PathMap())
    assert r.resolve("pkg/a.py", ("/home/runner/work/x/x",)) == "pkg/a.py"
    # Not a file here: the producer's absolute path is kept, for `paths` to remap.
    assert r.resolve("pkg/b.py", ("/home/runner/work/x/x",)) == "/home/runner/work/x/x/pkg/b.py"


def test_resolver__relative_path_beside_the_report_first_then_the_root(tmp_path: Path):
    for rel in ("svc/pkg/a.py", "pkg/b.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    r = Resolver(tmp_path, PathMap())
    base = r.base(tmp_path / "svc" / "coverage.json")
    assert base == "svc"
    assert r.resolve("pkg/a.py", (), base) == "svc/pkg/a.py"  # exists beside the report
    assert r.resolve("pkg/b.py", (), base) == "pkg/b.py"  # does not: from the root
    assert r.resolve("pkg/c.py", (), base) == "pkg/c.py"  # nowhere: from the root
    assert r.resolve("../pkg/b.py", (), base) == "pkg/b.py"  # relative to the report
    assert r.base(tmp_path / "coverage.json") == ""
    assert r.base(tmp_path.parent / "elsewhere" / "coverage.json") == ""
