"""The unified-diff parser, on diffs as git and other tools write them."""

from __future__ import annotations

import re

import pytest

from ratchet.core.diff import (
    ADDED,
    COPIED,
    DELETED,
    MODIFIED,
    RENAMED,
    DiffError,
    FileDiff,
    parse,
    unquote,
)

pytestmark = pytest.mark.unit


def one(text: str) -> FileDiff:
    files = parse(text)
    assert len(files) == 1, files
    return files[0]


def test_parse__modified_file_added_lines_in_new_numbering():
    fd = one(
        "diff --git a/pkg/m.py b/pkg/m.py\n"
        "index 1111111..2222222 100644\n"
        "--- a/pkg/m.py\n"
        "+++ b/pkg/m.py\n"
        "@@ -3,0 +4,2 @@ def f():\n"
        "+    x = 1\n"
        "+    y = 2\n"
        "@@ -10 +12 @@\n"
        "-old\n"
        "+new\n"
        "@@ -20,3 +22,0 @@\n"
        "-a\n"
        "-b\n"
        "-c\n"
    )
    assert fd == FileDiff("pkg/m.py", MODIFIED, None, (4, 5, 12))


def test_parse__context_lines_advance_the_new_numbering():
    fd = one(
        "--- a/m.py\n"
        "+++ b/m.py\n"
        "@@ -1,4 +1,5 @@\n"
        " one\n"
        "-two\n"
        "+TWO\n"
        "+2.5\n"
        " three\n"
        "\n"  # a context line whose single space an editor stripped
    )
    assert fd.added == (2, 3)


def test_parse__added_file_from_dev_null():
    fd = one(
        "diff --git a/new.py b/new.py\n"
        "new file mode 100644\n"
        "index 0000000..3e75765\n"
        "--- /dev/null\n"
        "+++ b/new.py\n"
        "@@ -0,0 +1,3 @@\n"
        "+a\n"
        "+b\n"
        "+c\n"
    )
    assert fd == FileDiff("new.py", ADDED, None, (1, 2, 3))


def test_parse__deleted_file_keeps_its_old_path_and_no_lines():
    fd = one(
        "diff --git a/gone.py b/gone.py\n"
        "deleted file mode 100644\n"
        "index 8a1218a..0000000\n"
        "--- a/gone.py\n"
        "+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n"
        "-1\n"
        "-2\n"
    )
    assert fd == FileDiff("gone.py", DELETED, None, ())


def test_parse__rename_without_edits_has_no_added_lines():
    fd = one(
        "diff --git a/old/m.py b/new/m.py\n"
        "similarity index 100%\n"
        "rename from old/m.py\n"
        "rename to new/m.py\n"
    )
    assert fd == FileDiff("new/m.py", RENAMED, "old/m.py", ())


def test_parse__rename_with_edits_counts_only_edited_lines():
    fd = one(
        "diff --git a/mv2.py b/moved2.py\n"
        "similarity index 96%\n"
        "rename from mv2.py\n"
        "rename to moved2.py\n"
        "index 940a9ce..899d7f2 100644\n"
        "--- a/mv2.py\n"
        "+++ b/moved2.py\n"
        "@@ -11 +11 @@\n"
        "-110\n"
        "+X\n"
    )
    assert fd == FileDiff("moved2.py", RENAMED, "mv2.py", (11,))


def test_parse__copy_from_a_diff_file():
    fd = one(
        "diff --git a/a.py b/b.py\n"
        "similarity index 90%\n"
        "copy from a.py\n"
        "copy to b.py\n"
        "--- a/a.py\n"
        "+++ b/b.py\n"
        "@@ -2 +2 @@\n"
        "-x\n"
        "+y\n"
    )
    assert fd == FileDiff("b.py", COPIED, "a.py", (2,))


@pytest.mark.parametrize(
    ("header", "binary_line", "expected"),
    [
        ("", "Binary files a/b.dat and b/b.dat differ", FileDiff("b.dat", MODIFIED, binary=True)),
        (
            "new file mode 100644\n",
            "Binary files /dev/null and b/b.dat differ",
            FileDiff("b.dat", ADDED, binary=True),
        ),
        (
            "deleted file mode 100644\n",
            "Binary files a/b.dat and /dev/null differ",
            FileDiff("b.dat", DELETED, binary=True),
        ),
        ("", "GIT binary patch\nliteral 3\nKcmZ?wWB>pF01yBG\n\nliteral 0\nKcmV+b0RR6000031\n",
         FileDiff("b.dat", MODIFIED, binary=True)),
    ],
)  # fmt: skip
def test_parse__binary_files_have_no_lines(header: str, binary_line: str, expected: FileDiff):
    text = f"diff --git a/b.dat b/b.dat\n{header}index d5d0b8b..4a27031\n{binary_line}\n"
    assert one(text) == expected


def test_parse__mode_change_only_is_modified_without_lines():
    fd = one("diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n")
    assert fd == FileDiff("run.sh", MODIFIED, None, ())


def test_parse__header_with_spaces_and_no_minus_plus_lines():
    fd = one("diff --git a/dir x/f y.bin b/dir x/f y.bin\nBinary files differ\n")
    assert fd.path == "dir x/f y.bin"


def test_parse__git_ends_names_with_spaces_with_a_tab():
    fd = one(
        "diff --git a/sub/sp ace.py b/sub/sp ace.py\n"
        "--- a/sub/sp ace.py\t\n"
        "+++ b/sub/sp ace.py\t\n"
        "@@ -1,0 +2 @@ hi\n"
        "+bye\n"
    )
    assert fd == FileDiff("sub/sp ace.py", MODIFIED, None, (2,))


def test_parse__quoted_paths_with_octal_utf8_escapes():
    fd = one(
        'diff --git "a/t\\303\\244st\\tx.py" "b/t\\303\\244st\\tx.py"\n'
        "new file mode 100644\n"
        "--- /dev/null\n"
        '+++ "b/t\\303\\244st\\tx.py"\n'
        "@@ -0,0 +1 @@\n"
        "+new\n"
    )
    assert fd == FileDiff("täst\tx.py", ADDED, None, (1,))


def test_parse__quoted_rename_lines():
    fd = one(
        'diff --git "a/\\"q\\".py" b/plain.py\n'
        "similarity index 100%\n"
        'rename from "\\"q\\".py"\n'
        "rename to plain.py\n"
    )
    assert fd == FileDiff("plain.py", RENAMED, '"q".py', ())


@pytest.mark.parametrize(
    ("quoted", "plain"),
    [
        ('"a\\\\b"', "a\\b"),
        ('"tab\\there"', "tab\there"),
        ('"\\303\\251"', "é"),
        ('"\\377x"', "\udcffx"),  # not UTF-8: kept as a surrogate, as os.fsdecode does
        ("unquoted", "unquoted"),
        ('"\\q"', "\\q"),  # an unknown escape is kept as written
    ],
)
def test_unquote__c_style(quoted: str, plain: str):
    assert unquote(quoted) == plain


def test_parse__no_newline_at_end_of_file_markers():
    files = parse(
        "--- a/crlf.py\n+++ b/crlf.py\n@@ -2 +2,2 @@ a\n-b\n\\ No newline at end of file\n"
        "+B\n+c\n\\ No newline at end of file\n"
        "--- a/next.py\n+++ b/next.py\n@@ -1 +1 @@\n-x\n+y\n"
    )
    assert [(f.path, f.added) for f in files] == [("crlf.py", (2, 3)), ("next.py", (1,))]


def test_parse__crlf_diff_file():
    text = (
        "diff --git a/w.py b/w.py\r\n"
        "index 1..2 100644\r\n"
        "--- a/w.py\r\n"
        "+++ b/w.py\r\n"
        "@@ -1,2 +1,3 @@\r\n"
        " keep\r\n"
        "-old\r\n"
        "+new\r\n"
        "+more\r\n"
        " \r\n"
    )
    assert one(text) == FileDiff("w.py", MODIFIED, None, (2, 3))


def test_parse__content_lines_that_look_like_headers_stay_content():
    fd = one(
        "--- a/m.py\n"
        "+++ b/m.py\n"
        "@@ -1,2 +1,2 @@\n"
        "--- a/not-a-header\n"
        "-diff --git a/x b/x\n"
        "+++ b/not-a-header\n"
        "+\x0c\u2028 form feed and line separator are not line breaks\n"
    )
    assert fd == FileDiff("m.py", MODIFIED, None, (1, 2))


def test_parse__combined_merge_diff():
    fd = one(
        "diff --cc conflict.py\n"
        "index 1,2..3\n"
        "--- a/conflict.py\n"
        "+++ b/conflict.py\n"
        "@@@ -1,2 -1,2 +1,3 @@@\n"
        "  same\n"
        "- ours\n"
        " -theirs\n"
        "++merged\n"
        "+ from ours side\n"
    )
    assert fd == FileDiff("conflict.py", MODIFIED, None, (2, 3))


def test_parse__plain_diff_u_output_with_timestamps():
    files = parse(
        "--- a/x.py\t2026-01-01 00:00:00.000000000 +0000\n"
        "+++ b/x.py\t2026-01-02 00:00:00.000000000 +0000\n"
        "@@ -1 +1,2 @@\n"
        " a\n"
        "+b\n"
        "--- a/y.py\t2026-01-01\n"
        "+++ b/y.py\t2026-01-02\n"
        "@@ -3 +3 @@\n"
        "-c\n"
        "+d\n"
    )
    assert files == (
        FileDiff("x.py", MODIFIED, None, (2,)),
        FileDiff("y.py", MODIFIED, None, (3,)),
    )


def test_parse__preamble_of_a_patch_email_is_skipped():
    fd = one(
        "From 1234 Mon Sep 17 00:00:00 2001\n"
        "Subject: [PATCH] change\n"
        "---\n"
        " m.py | 1 +\n"
        "\n"
        "diff --git a/m.py b/m.py\n"
        "--- a/m.py\n"
        "+++ b/m.py\n"
        "@@ -0,0 +1 @@\n"
        "+x\n"
        "-- \n"
        "2.39.5\n"
    )
    assert fd.added == (1,)


def test_parse__same_file_in_two_sections_is_an_error():
    # Two commits of a series (git format-patch): the second numbers the lines of the
    # version after the first, so no union of the two is the measured file's numbering.
    text = "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-a\n+b\n"
    text += "--- a/m.py\n+++ b/m.py\n@@ -5,0 +6 @@\n+c\n"
    with pytest.raises(DiffError, match=r"m\.py appears in several file sections.*git diff"):
        parse(text)


def test_parse__type_change_is_one_added_file():
    # What git writes when a symlink becomes a regular file: a deletion, then a creation.
    text = (
        "diff --git a/l b/l\ndeleted file mode 120000\nindex 32f64f4..0000000\n"
        "--- a/l\n+++ /dev/null\n@@ -1 +0,0 @@\n-t\n\\ No newline at end of file\n"
        "diff --git a/l b/l\nnew file mode 100644\nindex 0000000..f525151\n"
        "--- /dev/null\n+++ b/l\n@@ -0,0 +1,2 @@\n+regular\n+file\n"
    )
    assert one(text) == FileDiff("l", ADDED, None, (1, 2))


@pytest.mark.parametrize("text", ["", "\n", "  \n\t\n", "\r\n"])
def test_parse__empty_text_has_no_files(text: str):
    assert parse(text) == ()


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('<?xml version="1.0" ?>\n<coverage line-rate="0.9">\n</coverage>\n', "<?xml"),
        (" pkg/calc.py | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)\n", "pkg/"),
        ("From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] empty\n\n", "From 1234"),
    ],
    ids=["coverage-xml", "diff-stat", "mail-without-a-diff"],
)
def test_parse__text_with_no_file_section_is_not_a_diff(text: str, start: str):
    with pytest.raises(DiffError, match=r"no file section found.*starts with '" + re.escape(start)):
        parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "--- a/m.py\n+++ b/m.py\n@@ -1 +1,3 @@\n+a\n",  # ends inside a hunk
        "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n?what\n",  # a line no hunk can hold
        "--- a/m.py\n+++ b/m.py\n@@ -x +1 @@\n+a\n",  # malformed header
        'diff --git "a/unterminated b/x\n--- "a/unterminated\n+++ b/x\n',
        "diff --git a/x b/x\n--- /dev/null\n+++ /dev/null\n",  # names no file at all
    ],
)
def test_parse__malformed_diffs_raise(text: str):
    with pytest.raises(DiffError):
        parse(text)
