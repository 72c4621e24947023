"""Repository-relative POSIX paths and the globs that select them (components,
``[tool.ratchet.paths]``): ``*`` within a segment, ``**`` across, a directory by its name."""

from __future__ import annotations

import pytest

from ratchet.core.globs import glob_matcher, posix

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pkg\\sub\\a.py", "pkg/sub/a.py"),
        ("C:/proj/a.py", "/C:/proj/a.py"),  # a drive path is absolute
        ("c:\\proj\\a.py", "/c:/proj/a.py"),
        ("1:/a.py", "1:/a.py"),  # not a drive letter
        ("a:b.py", "a:b.py"),
        ("", ""),
    ],
)
def test_posix__forward_slashes_and_drive_paths_absolute(raw, expected):
    assert posix(raw) == expected


@pytest.mark.parametrize(
    ("patterns", "path", "matches"),
    [
        (["src/*.py"], "src/a.py", True),
        (["src/*.py"], "src/sub/a.py", False),  # * stays within a segment
        (["src/**/*.py"], "src/sub/deep/a.py", True),
        (["src/?.py"], "src/a.py", True),
        (["src/?.py"], "src/ab.py", False),
        (["packages/api/"], "packages/api/x/y.py", True),
        (["packages/api"], "packages/api/x.py", True),  # a directory named outright
        (["packages/api"], "packages/api", True),
        (["packages/api"], "packages/apiary/x.py", False),  # a name, not a prefix
        (["./web/"], "web/x.js", True),
        (["a.py", "b/"], "b/c.py", True),
        (["a+b.py"], "a+b.py", True),  # regex characters are literal
        (["a+b.py"], "aab.py", False),
        ([], "a.py", False),
    ],
)
def test_glob_matcher__segments_directories_and_literals(patterns, path, matches):
    assert glob_matcher(patterns)(path) is matches
