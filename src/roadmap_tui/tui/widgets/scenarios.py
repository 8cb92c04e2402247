"""Scenarios from the editor: a list to add, edit, duplicate and delete them, and a form whose
overrides are picked (an item, risk or team, then one of its fields, then the value), each value
read by the model's own field parser, as a scenario table in a plan file is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from roadmap_tui.model import parse as model_parse
from roadmap_tui.model.types import Override, Plan, Scenario
from roadmap_tui.store import value_from_text
from roadmap_tui.tui.widgets.dialogs import ButtonRow, OptionDialog
from roadmap_tui.tui.widgets.editor import format_value, to_raw


def override_line(o: Override) -> str:
    """`items.model.estimate = [8, 10, 15]`: an override as it is written in the plan."""
    return f"{o.section}.{o.id}.{o.field} = {model_parse.show(model_parse.override_toml(o))}"


#: What a scenario overrides, section by section: the model's own field lists (parse.py's
#: registry, which the loader, `roadmap set` and the forms read too).
SECTIONS: dict[str, tuple[str, ...]] = {
    "items": model_parse.ITEM_FIELDS,
    "risks": model_parse.RISK_FIELDS,
    "teams": model_parse.TEAM_FIELDS,
}


def override_fields(plan: Plan, section: str) -> tuple[str, ...]:
    """The fields a scenario of `plan` can set on a `section` object: an item's `team` only
    in a plan with teams (as the item form shows it)."""
    fields = SECTIONS[section]
    if section == "items" and not plan.teams:
        return tuple(f for f in fields if f != "team")
    return fields


def base_table(plan: Plan, section: str, target: str) -> dict[str, Any]:
    """The object's own values as a plan file writes them."""
    if section == "items":
        return model_parse.item_to_toml(plan.item(target))
    if section == "teams":
        return model_parse.team_to_toml(plan.team_by_id[target])
    return model_parse.risk_to_toml(plan.risk_by_id[target])


def parse_override(plan: Plan, section: str, target: str, field: str, raw: Any) -> Override:
    """One override, read as `roadmap set PLAN section.target.field` reads it (parse.set_value:
    the model's parser of that field with the base object's other fields around it, so every
    cross-field rule applies) and the plan's rules on that value (`validate_plan`: an unknown
    team, a dependency cycle); raises FieldError."""
    try:
        keys = model_parse.resolve_target(plan, section, target, field)
    except model_parse.UnknownTargetError as error:
        raise model_parse.FieldError(str(error)) from None
    changed = model_parse.set_value(plan, keys, raw)
    obj: Any = {
        "items": changed.item_by_id,
        "risks": changed.risk_by_id,
        "teams": changed.team_by_id,
    }[section][target]
    found = [p.message for p in model_parse.validate_plan(changed) if p.keys == keys]
    if found:  # a rule across the plan: an unknown team, a capacity step after the start...
        raise model_parse.FieldError("; ".join(found))
    value = raw if field == "distribution" else getattr(obj, field)
    return Override(section, target, field, value)  # type: ignore[arg-type]


class ValueDialog(ModalScreen[Any]):
    """Type one value; `check` returns what it parsed to, or raises FieldError (shown)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="roadmap.value-cancel")
    ]

    def __init__(self, title: str, value: str, check: Callable[[str], Any]) -> None:
        super().__init__(classes="dialog")
        self.dialog_title = title
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield Input(self.value, id="value")
            yield Static("", id="value-error", classes="editor-error", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            parsed = self.check(event.value)
        except model_parse.FieldError as error:
            message = self.query_one("#value-error", Static)
            message.update(str(error))
            message.add_class("shown")
            return
        self.dismiss(parsed)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScenarioEditor(ModalScreen[Scenario | None]):
    """A scenario's id (new ones), title and overrides; `a` adds an override, `delete`
    removes the highlighted one, ctrl+s applies."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="roadmap.scenario-cancel"),
        Binding("ctrl+s", "submit", "Apply", id="roadmap.scenario-apply", priority=True),
    ]

    def __init__(self, plan: Plan, original: Scenario | None, *, new_id: str = "") -> None:
        super().__init__(classes="editor")
        self.plan = plan
        self.original = original
        self.is_new = new_id != "" or original is None
        self.new_id = new_id
        self.overrides: list[Override] = list(original.overrides) if original else []

    def compose(self) -> ComposeResult:
        heading = "New scenario" if self.is_new else f"Edit scenario {self.original.id}"  # type: ignore[union-attr]
        with Vertical(classes="editor-box"):
            yield Label(heading, classes="dialog-title")
            if self.is_new:
                with Horizontal(classes="editor-row"):
                    yield Label("id", classes="editor-label")
                    yield Input(self.new_id, placeholder="early-validation", id="scenario-id")
            with Horizontal(classes="editor-row"):
                yield Label("title", classes="editor-label")
                title = self.original.title if self.original else ""
                yield Input(title, placeholder="required", id="scenario-title")
            yield Label("Overrides (a: add, del: remove the highlighted one)")
            yield OptionList(id="overrides")
            yield Static("", id="scenario-error", classes="editor-error", markup=False)
            with ButtonRow(classes="dialog-buttons"):
                yield Button("Add override", id="add-override", compact=True)
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fill()
        self.set_focus(self.query(Input).first())

    def fill(self) -> None:
        options = self.query_one("#overrides", OptionList)
        options.clear_options()
        for n, o in enumerate(self.overrides):
            options.add_option(Option(escape(override_line(o)), id=str(n)))
        if not self.overrides:
            options.add_option(Option("[dim](none yet: add one)[/dim]", id="none", disabled=True))
        else:
            options.highlighted = 0

    def on_key(self, event: Any) -> None:
        options = self.query_one("#overrides", OptionList)
        if not options.has_focus:
            return
        if event.key == "a":
            event.stop()
            self.add_override()
        elif event.key == "delete" and options.highlighted is not None and self.overrides:
            event.stop()
            del self.overrides[options.highlighted]
            self.fill()

    @on(Button.Pressed, "#add-override")
    def add_override(self) -> None:
        targets = [("items." + i.id, f"item {i.id}: {escape(i.title)}") for i in self.plan.items]
        targets += [("risks." + r.id, f"risk {r.id}: {escape(r.title)}") for r in self.plan.risks]
        targets += [("teams." + t.id, f"team {t.id}: {escape(t.title)}") for t in self.plan.teams]

        def target_chosen(target: str | None) -> None:
            if target is None:
                return
            section, target_id = target.split(".", 1)
            fields = override_fields(self.plan, section)
            self.app.push_screen(
                OptionDialog(f"Which field of {target_id}?", [(f, f) for f in fields]),
                lambda field: field and self.ask_value(section, target_id, field),
            )

        what = "item, risk or team" if self.plan.teams else "item or risk"
        self.app.push_screen(OptionDialog(f"Override which {what}?", targets), target_chosen)

    def ask_value(self, section: str, target_id: str, field: str) -> None:
        table = base_table(self.plan, section, target_id)
        current = next(
            (
                model_parse.override_toml(o)
                for o in self.overrides
                if (o.section, o.id, o.field) == (section, target_id, field)
            ),
            table.get(field),
        )

        def check(text: str) -> Override:
            raw = to_raw(field, text) if field != "title" else text.strip()
            if raw is None:
                raise model_parse.FieldError("expected a value")
            if field == "distribution":
                raw = value_from_text(text.strip())
            return parse_override(self.plan, section, target_id, field, raw)

        def chosen(override: Override | None) -> None:
            if override is None:
                return
            key = (override.section, override.id, override.field)
            at = next(
                (n for n, o in enumerate(self.overrides) if (o.section, o.id, o.field) == key),
                None,
            )
            if at is None:
                self.overrides.append(override)
            else:
                self.overrides[at] = override
            self.fill()

        self.app.push_screen(
            ValueDialog(
                f"{section}.{target_id}.{field} in this scenario (the plan says "
                f"{format_value(field, table.get(field)) or 'nothing'})",
                format_value(field, current),
                check,
            ),
            chosen,
        )

    def refuse(self, message: str) -> None:
        error = self.query_one("#scenario-error", Static)
        error.update(message)
        error.add_class("shown")

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def action_submit(self) -> None:
        title = self.query_one("#scenario-title", Input).value.strip()
        if self.is_new:
            scenario_id = self.query_one("#scenario-id", Input).value.strip()
            if not model_parse.ID_RE.match(scenario_id):
                self.refuse("id: expected letters, digits, '-' and '_' only")
                return
            if scenario_id in self.plan.scenario_by_id:
                self.refuse(f"id: a scenario '{scenario_id}' already exists")
                return
        else:
            scenario_id = self.original.id  # type: ignore[union-attr]
        if not title:
            self.refuse('title: required, e.g. "Hire a second labeling vendor"')
            return
        base = self.original or Scenario(scenario_id, title)
        self.dismiss(replace(base, id=scenario_id, title=title, overrides=tuple(self.overrides)))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ScenarioList(ModalScreen[tuple[str, str | None] | None]):
    """The plan's scenarios; dismisses with (what to do, which scenario)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="roadmap.scenarios-close"),
        Binding("a", "do('new')", "New", id="roadmap.scenarios-new"),
        Binding("d", "do('duplicate')", "Duplicate", id="roadmap.scenarios-duplicate"),
        Binding("delete", "do('delete')", "Delete", id="roadmap.scenarios-delete"),
    ]

    def __init__(self, plan: Plan, highlighted: str | None = None) -> None:
        super().__init__(classes="dialog")
        self.plan = plan
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Scenarios", classes="dialog-title")
            options = [
                Option(
                    f"[b]{escape(s.id)}[/b]: {escape(s.title)} "
                    f"[dim]({len(s.overrides)} override{'s' if len(s.overrides) != 1 else ''})"
                    "[/dim]",
                    id=s.id,
                )
                for s in self.plan.scenarios
            ]
            yield OptionList(*options, id="scenario-list")
            with ButtonRow(classes="dialog-buttons"):
                yield Button("New", id="new", compact=True)
                yield Button("Edit", id="edit", variant="primary", compact=True)
                yield Button("Duplicate", id="duplicate", compact=True)
                yield Button("Delete", id="delete", variant="error", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [s.id for s in self.plan.scenarios]
        if self.highlighted in ids:
            options.highlighted = ids.index(self.highlighted)
        self.set_focus(options)

    def current(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.plan.scenarios:
            return None
        return self.plan.scenarios[options.highlighted].id

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_do("edit")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_do(event.button.id or "")

    def action_do(self, what: str) -> None:
        scenario = self.current()
        if what != "new" and scenario is None:
            return
        self.dismiss((what, scenario))

    def action_cancel(self) -> None:
        self.dismiss(None)


def copy_id(plan: Plan, scenario_id: str) -> str:
    """`x-copy`, `x-copy-2`, ...: the first free id for a duplicate of `scenario_id`."""
    candidate, n = f"{scenario_id}-copy", 2
    while candidate in plan.scenario_by_id:
        candidate, n = f"{scenario_id}-copy-{n}", n + 1
    return candidate
