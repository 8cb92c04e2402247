"""The bundled plan templates that `roadmap new` starts from."""

from __future__ import annotations


def template_text(name: str) -> str:
    """A bundled plan template (`ai-feature`, `blank`)."""
    from importlib import resources

    if name not in TEMPLATES:
        raise KeyError(name)
    return (resources.files("roadmap_tui") / "templates" / f"{name}.toml").read_text("utf-8")


TEMPLATES: tuple[str, ...] = ("ai-feature", "blank")
