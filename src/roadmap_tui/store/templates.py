"""The bundled plan templates that `roadmap new` starts from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any


def template_text(name: str) -> str:
    """A bundled plan template (`ai-feature`, `blank`)."""
    from importlib import resources

    if name not in TEMPLATES:
        raise KeyError(name)
    return (resources.files("roadmap_tui") / "templates" / f"{name}.toml").read_text("utf-8")


TEMPLATES: tuple[str, ...] = ("ai-feature", "blank")


def next_monday(today: date | None = None) -> date:
    """The Monday after today: where `roadmap new` starts a plan unless told otherwise."""
    today = date.today() if today is None else today
    return today + timedelta(days=7 - today.weekday())


def template_plan_text(name: str, *, plan_name: str | None = None, start: Any = None) -> str:
    """A template with its plan's name and start set (each a one-line change, comments kept)."""
    from dataclasses import replace

    from roadmap_tui.store.edit import render_plan_changes
    from roadmap_tui.store.read import load_plan_text

    text = template_text(name)
    plan = load_plan_text(text, f"<template {name}>").plan
    wanted = replace(
        plan,
        name=plan.name if plan_name is None else plan_name,
        start=plan.start if start is None else start,
    )
    return render_plan_changes(text, plan, wanted)
