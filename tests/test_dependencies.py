"""The dependency ranges in pyproject.toml and the lowest versions CI installs agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def _lowest() -> dict[str, str]:
    lines = (ROOT / ".ci" / "constraints-lowest.txt").read_text().splitlines()
    pins = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {name.strip().lower(): version.strip() for name, version in pins}


def test_every_dependency_has_an_upper_bound_or_an_exact_pin() -> None:
    for requirement in _requirements():
        assert "==" in requirement or "<" in requirement, f"unbounded: {requirement}"


def test_the_lowest_constraints_are_the_lower_bounds() -> None:
    lowest = _lowest()
    ranged = {}
    for requirement in _requirements():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+),<[0-9.]+", requirement)
        if match:
            ranged[match.group(1).lower()] = match.group(2)
    assert ranged, "no ranged requirement found"
    for name, low in ranged.items():
        assert name in lowest, f"{name} has no line in .ci/constraints-lowest.txt"
        # 1.26 in pyproject is 1.26.0 in the constraints file
        assert lowest[name].split(".")[: len(low.split("."))] == low.split("."), name
        assert all(part == "0" for part in lowest[name].split(".")[len(low.split(".")) :]), name
    assert set(lowest) == set(ranged), "constraints for packages that are not direct dependencies"
