"""Fixtures shared by the plan-file tests (store, CLI); helpers.py holds the plain helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import VALID


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """A writable copy of fixtures/valid.toml (4 items, 1 risk) as tmp/plan.toml.

    A test module that needs another plan under this name defines its own `plan_file`.
    """
    path = tmp_path / "plan.toml"
    shutil.copy(VALID, path)
    return path
