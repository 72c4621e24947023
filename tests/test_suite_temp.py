"""The suite's own temporary tree (tests/conftest.py ``ram_temp``): on a RAM disk only when
nobody chose another and it has room; the usual temporary directory otherwise."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests import conftest
from tests.conftest import RAM_TEMP_ROOM, ram_temp

pytestmark = pytest.mark.unit


def test_ram_temp__a_writable_directory_with_room_is_used(tmp_path):
    room = os.statvfs(tmp_path)
    if room.f_bavail * room.f_frsize < RAM_TEMP_ROOM:
        pytest.skip("the disk under tmp_path has less room than the RAM disk needs")
    assert ram_temp({}, tmp_path) == str(tmp_path)


def test_ram_temp__a_chosen_tmpdir_wins(tmp_path):
    assert ram_temp({"TMPDIR": "/somewhere"}, tmp_path) is None


def test_ram_temp__can_be_turned_off(tmp_path):
    assert ram_temp({"RATCHET_TEST_NO_RAM_TEMP": "1"}, tmp_path) is None


def test_ram_temp__no_such_directory(tmp_path):
    assert ram_temp({}, tmp_path / "missing") is None


def test_ram_temp__the_session_runs_inside_it_when_chosen(tmp_path):
    chosen = conftest.SESSION_RAM_TEMP
    if chosen is None:
        pytest.skip("no RAM disk with room here: the usual temporary directory is used")
    # This test's own directory, and what the session's processes get as TMPDIR.
    assert tmp_path.is_relative_to(chosen)
    assert Path(tempfile.gettempdir()).is_relative_to(chosen)
    assert Path(os.environ["TMPDIR"]).is_relative_to(chosen)
