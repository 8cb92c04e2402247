"""The example plans that ship with roadmap-tui (the demo and the TUI's first-run copy).

They live in the repository's `plans/` folder. A wheel carries them as `roadmap_tui/_plans`
(hatch `force-include` in pyproject.toml), so the installed package finds them through
importlib.resources; an editable install or a source checkout has no `_plans` and reads the
repository's `plans/` directly.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_EXAMPLE = "support-assistant"
_PACKAGE_DIR = "_plans"
_SUFFIX = ".toml"


def _plans_dir() -> Path:
    """The folder holding the bundled plans: inside the installed package, else the repo's."""
    packaged = resources.files("roadmap_tui").joinpath(_PACKAGE_DIR)
    if packaged.is_dir():
        # Wheels install as plain files, so the Traversable is a real path on disk.
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "plans"


def list_bundled() -> list[str]:
    """Names (file stems) of the bundled example plans, sorted."""
    folder = _plans_dir()
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.glob(f"*{_SUFFIX}") if path.is_file())


def bundled_plan_path(name: str = DEFAULT_EXAMPLE) -> Path:
    """Path of one bundled example plan; `name` is a stem such as "fraud-detection".

    Raises FileNotFoundError naming the available examples when there is no such plan.
    """
    stem = name.removesuffix(_SUFFIX)
    path = _plans_dir() / f"{stem}{_SUFFIX}"
    if not path.is_file():
        available = ", ".join(list_bundled()) or "none"
        raise FileNotFoundError(f"no bundled example plan {name!r}; available: {available}")
    return path
