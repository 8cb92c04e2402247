"""Item and risk editors: a modal form over every field of the format, validated as you type.

Each input is read the way `roadmap set` reads a value (`store.value_from_text`: a TOML value,
bare words as strings; commas make lists) and checked by the model's own per-field parser, so
the form accepts exactly what a plan file accepts. The form never builds an object the model
would reject.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from roadmap_tui.model import graph
from roadmap_tui.model import parse as model_parse
from roadmap_tui.model.types import (
    DISTRIBUTIONS,
    KINDS,
    READINESS_LEVELS,
    STATUSES,
    Item,
    Plan,
    Risk,
    Team,
    readiness_name,
)
from roadmap_tui.store import value_from_text
from roadmap_tui.tui.widgets.dialogs import ButtonRow, Choice, ChoiceDialog

T = TypeVar("T")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    options: tuple[tuple[str, Any], ...] | None = None
    placeholder: str = ""
    new_only: bool = False


ITEM_FIELDS: tuple[FieldSpec, ...] = (
    # editable on an existing item too: a new id renames it and every reference to it
    FieldSpec("id", "id", placeholder="collect-tickets (letters, digits, - and _)"),
    FieldSpec("title", "title", placeholder="required"),
    FieldSpec("kind", "kind", options=tuple((k, k) for k in KINDS)),
    FieldSpec("status", "status", options=tuple((s, s) for s in STATUSES)),
    FieldSpec("estimate", "estimate", placeholder="low, likely, high  or days  or a size"),
    FieldSpec("distribution", "distribution", options=tuple((d, d) for d in DISTRIBUTIONS)),
    FieldSpec("depends_on", "depends on", placeholder="ids, comma separated"),
    FieldSpec("impact", "impact", placeholder="0-5"),
    FieldSpec("data", "data", placeholder="share of data in hand, 0.0-1.0"),
    FieldSpec(
        "readiness",
        "readiness",
        options=tuple((readiness_name(n), n) for n in range(len(READINESS_LEVELS))),
    ),
    FieldSpec("target", "target", placeholder="YYYY-MM-DD deadline"),
    FieldSpec("started", "started", placeholder="YYYY-MM-DD (doing/done)"),
    FieldSpec("finished", "finished", placeholder="YYYY-MM-DD (done)"),
    FieldSpec("remaining", "remaining", placeholder="low, likely, high (doing)"),
    FieldSpec("p_success", "p_success", placeholder="chance one attempt succeeds, 0-1"),
    FieldSpec("max_attempts", "max_attempts", placeholder="attempts before giving up"),
    FieldSpec("metric", "metric", placeholder="name, current, target  e.g. F1, 0.78, 0.85"),
    FieldSpec("team", "team", placeholder="id of the team whose capacity it uses"),
    FieldSpec("owner", "owner"),
    FieldSpec("tags", "tags", placeholder="comma separated"),
    FieldSpec("notes", "notes"),
    FieldSpec("link", "link", placeholder="https://... the issue (o in the items view opens it)"),
)

RISK_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "id", placeholder="vendor-slip", new_only=True),
    FieldSpec("title", "title", placeholder="required"),
    FieldSpec("probability", "probability", placeholder="chance it happens, 0-1"),
    FieldSpec("delay", "delay", placeholder="low, likely, high working days"),
    FieldSpec("affects", "affects", placeholder="item ids, comma separated"),
)

#: Fields an item of a kind has no use for: the editor leaves them out (a data item is never
#: "attempted", a milestone takes no time).
FIELDS_NOT_FOR_KIND: dict[str, tuple[str, ...]] = {
    "milestone": ("estimate", "distribution", "remaining", "p_success", "max_attempts"),
    "data": ("p_success", "max_attempts"),
}

_LIST_FIELDS = {"depends_on", "tags", "affects"}
_TEXT_FIELDS = {"id", "title", "owner", "notes", "link", "team"}


def format_value(name: str, value: Any) -> str:
    """A TOML value of a field (as `item_to_toml` gives it) as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if name == "capacity" and isinstance(value, list | tuple):  # steps: [[date, n], ...]
        return "[" + ", ".join(f"[{format_value(name, d)}, {n}]" for d, n in value) + "]"
    if isinstance(value, list | tuple):
        return ", ".join(format_value(name, v) for v in value)
    if isinstance(value, dict):  # metric
        parts = [value.get("name"), value.get("current"), value.get("target")]
        return ", ".join(format_value(name, p) for p in parts).rstrip(", ")
    return str(value)


def to_raw(name: str, text: str) -> Any:
    """Text typed in the form -> the raw TOML value of the field (None: left empty)."""
    text = text.strip()
    if not text:
        return None
    if name in _TEXT_FIELDS:
        return text
    if name in _LIST_FIELDS:
        return [part.strip() for part in text.strip("[]").split(",") if part.strip()]
    if name == "metric":
        if text.startswith("{"):
            return value_from_text(text)
        parts = [p.strip() for p in text.split(",")]
        raw: dict[str, Any] = {"name": parts[0]}
        for key, part in zip(("current", "target"), parts[1:3], strict=False):
            if part:
                raw[key] = value_from_text(part)
        return raw
    if "," in text and not text.startswith("["):
        return value_from_text(f"[{text}]")
    return value_from_text(text)


class FieldInput(Input):
    """An input of a form: a paste with tabs in it fills this field and the ones after it,
    as it would have had it been typed."""

    def _on_paste(self, event: events.Paste) -> None:
        if "\t" not in event.text or not isinstance(self.screen, _Editor):
            return  # Input's own handler pastes it
        event.prevent_default()
        event.stop()
        first, *rest = event.text.splitlines()[0].split("\t")
        self.insert_text_at_cursor(first)
        self.screen.fill_after(self, rest)


class _Editor(ModalScreen[T | None], Generic[T]):
    """The shared form: one row per field, an inline message under any field that is wrong."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="roadmap.editor-cancel"),
        Binding("ctrl+s", "submit", "Apply", id="roadmap.editor-apply", priority=True),
    ]
    FIELDS: tuple[FieldSpec, ...] = ()

    def __init__(self, plan: Plan, original: T | None) -> None:
        super().__init__(classes="editor")
        self.plan = plan
        self.original = original
        self.table: dict[str, Any] = self.to_table(original) if original is not None else {}
        self.errors: dict[str, str] = {}

    # what each form defines
    def heading(self) -> str:
        raise NotImplementedError

    def to_table(self, original: T) -> dict[str, Any]:
        raise NotImplementedError

    def parse_field(self, name: str, raw: Any) -> Any:
        raise NotImplementedError

    def parse_whole(self, obj_id: str, table: dict[str, Any]) -> tuple[T | None, list[Any]]:
        raise NotImplementedError

    def check(self, name: str, value: Any) -> str | None:
        """Rules that need the whole plan (unique ids, references, cycles)."""
        return None

    @staticmethod
    def check_new_id(value: str | None, taken: Collection[str], what: str) -> str | None:
        """A new id: present, well formed, not already the id of another `what`."""
        if not value:
            return "required: letters, digits, '-' and '_'"
        if not model_parse.ID_RE.match(value):
            return "expected letters, digits, '-' and '_' only"
        if value in taken:
            return f"{what} '{value}' already exists"
        return None

    def initial(self, name: str) -> Any:
        if name == "id":
            return None if self.original is None else self.original.id  # type: ignore[attr-defined]
        return self.table.get(name)

    @property
    def is_new(self) -> bool:
        return self.original is None

    def compose(self) -> ComposeResult:
        with Vertical(classes="editor-box"):
            yield Label(self.heading(), classes="dialog-title")
            with VerticalScroll(classes="editor-fields"):
                for spec in self.FIELDS:
                    if spec not in self.specs():
                        continue
                    with Horizontal(classes="editor-row", id=f"row-{spec.name}"):
                        yield Label(spec.label, classes="editor-label")
                        value = self.initial(spec.name)
                        if spec.options is not None:
                            yield Select(
                                spec.options,
                                value=Select.NULL if value is None else value,
                                prompt="default",
                                allow_blank=spec.name == "distribution",
                                id=f"field-{spec.name}",
                                compact=True,
                            )
                        else:
                            yield FieldInput(
                                format_value(spec.name, value),
                                placeholder=self.placeholder(spec),
                                id=f"field-{spec.name}",
                                compact=True,
                            )
                    yield Label("", id=f"error-{spec.name}", classes="editor-error", markup=False)
            yield Static("", id="editor-problems", classes="editor-error", markup=False)
            with ButtonRow(classes="dialog-buttons"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer(compact=True)

    def placeholder(self, spec: FieldSpec) -> str:
        return spec.placeholder

    def on_mount(self) -> None:
        self.set_focus(self.query(Input).first())  # now: keys typed ahead are on their way
        for spec in self.specs():
            self.validate_field(spec)
        self.show_fields()

    def fields_not_for(self) -> Collection[str]:
        """Fields that mean nothing for the object as filled in so far (e.g. by its kind)."""
        return ()

    def show_fields(self) -> None:
        """Hide the rows of fields that do not apply, unless they hold a value (never hide
        what would then be saved unseen)."""
        hidden = self.fields_not_for()
        for spec in self.specs():
            row = self.query_one(f"#row-{spec.name}")
            row.display = spec.name not in hidden or self.raw(spec) is not None

    def fill_after(self, start: Input, texts: list[str]) -> None:
        """Put each text in the next input after `start` (a paste of tab-separated text)."""
        inputs = list(self.query(FieldInput))
        following = inputs[inputs.index(start) + 1 :] if start in inputs else []
        for box, text in zip(following, texts, strict=False):
            box.value = text
            self.set_focus(box)

    def specs(self) -> list[FieldSpec]:
        """The fields shown: `team` only in a plan that has teams."""
        return [
            s
            for s in self.FIELDS
            if (self.is_new or not s.new_only) and (s.name != "team" or self.plan.teams)
        ]

    def current_id(self) -> str:
        if not any(spec.name == "id" for spec in self.specs()):
            return self.original.id  # type: ignore[union-attr, attr-defined]
        return self.query_one("#field-id", Input).value.strip()

    def raw(self, spec: FieldSpec) -> Any:
        widget = self.query_one(f"#field-{spec.name}")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        assert isinstance(widget, Input)
        return to_raw(spec.name, widget.value)

    def show_error(self, name: str, message: str | None) -> None:
        label = self.query_one(f"#error-{name}", Label)
        if message:
            self.errors[name] = message
            label.update(message)
            label.add_class("shown")
        else:
            self.errors.pop(name, None)
            label.update("")
            label.remove_class("shown")

    def validate_field(self, spec: FieldSpec) -> None:
        """Inline: the model's parser of that one field, then the plan-wide rules."""
        raw = self.raw(spec)
        message = None
        if raw is not None and spec.name != "id":
            try:
                message = self.check(spec.name, self.parse_field(spec.name, raw))
            except model_parse.FieldError as error:
                message = str(error)
        elif spec.name == "id":
            message = self.check("id", raw)
        self.show_error(spec.name, message)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        name = (event.control.id or "").removeprefix("field-")
        for spec in self.specs():
            if spec.name == name:
                self.validate_field(spec)
        self.query_one("#editor-problems", Static).update("")
        if name == "kind":
            self.show_fields()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#apply")
    def action_submit(self) -> None:
        """Build the object with the model's own rules; stay open and say what is wrong."""
        for spec in self.specs():
            self.validate_field(spec)
        if self.errors:
            self.refuse(f"Fix {', '.join(self.errors)} first")
            return
        table = {}
        for spec in self.specs():
            raw = self.raw(spec)
            if raw is not None and spec.name != "id":
                table[spec.name] = raw
        built, problems = self.parse_whole(self.current_id(), table)
        if built is None:
            general = []
            for problem in problems:
                name = problem.keys[0] if problem.keys else None
                if name is not None and any(s.name == name for s in self.specs()):
                    self.show_error(name, problem.message)
                else:
                    general.append(problem.message)
            self.refuse("; ".join(general) or f"Fix {', '.join(self.errors)} first")
            return
        self.dismiss(built)

    def refuse(self, message: str) -> None:
        self.query_one("#editor-problems", Static).update(message)
        if self.errors:
            self.query_one(f"#field-{next(iter(self.errors))}").focus()

    def is_modified(self) -> bool:
        for spec in self.specs():
            widget = self.query_one(f"#field-{spec.name}")
            value = self.initial(spec.name)
            if isinstance(widget, Select):
                if (None if widget.value is Select.NULL else widget.value) != value:
                    return True
            elif isinstance(widget, Input) and widget.value != format_value(spec.name, value):
                return True
        return False

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Escape never throws typing away silently: it asks when anything was changed."""
        if not self.is_modified():
            self.dismiss(None)
            return

        def done(choice: str | None) -> None:
            if choice == "discard":
                self.dismiss(None)

        self.app.push_screen(
            ChoiceDialog(
                "Discard what you typed in this form?",
                [Choice("keep", "Keep editing", "primary"), Choice("discard", "Discard", "error")],
                title="Discard changes",
            ),
            done,
        )


class ItemEditor(_Editor[Item]):
    FIELDS = ITEM_FIELDS

    def heading(self) -> str:
        return "New item" if self.original is None else f"Edit item {self.original.id}"

    def to_table(self, original: Item) -> dict[str, Any]:
        table = model_parse.item_to_toml(original)
        for name in ("kind", "status", "readiness"):
            table.setdefault(name, getattr(original, name))
        return table

    def initial(self, name: str) -> Any:
        if self.original is None and name in ("kind", "status", "readiness"):
            return {"kind": "task", "status": "todo", "readiness": 9}[name]
        return super().initial(name)

    def parse_field(self, name: str, raw: Any) -> Any:
        return model_parse.parse_item_field(name, raw)

    def fields_not_for(self) -> Collection[str]:
        kind = self.query_one("#field-kind", Select).value
        return FIELDS_NOT_FOR_KIND.get(str(kind), ())

    def parse_whole(self, obj_id: str, table: dict[str, Any]) -> tuple[Item | None, list[Any]]:
        return model_parse.parse_item(obj_id, table, self.plan.sizes)

    def placeholder(self, spec: FieldSpec) -> str:
        """The estimate field offers the plan's sizes: `... or a size: XS S M L XL`."""
        if spec.name == "estimate":
            return f"{spec.placeholder}: {' '.join(self.plan.sizes)}"
        return spec.placeholder

    def check(self, name: str, value: Any) -> str | None:
        if name == "id":
            if self.original is not None and value == self.original.id:
                return None
            return self.check_new_id(value, self.plan.item_by_id, "an item")
        if name == "estimate" and isinstance(value, str):
            try:
                model_parse.resolve_size(value, self.plan.sizes)
            except model_parse.FieldError as err:
                return str(err)
        if name == "team" and value and value not in self.plan.team_by_id:
            return f"no team '{value}' in the plan" + model_parse.did_you_mean(
                value, list(self.plan.team_by_id)
            )
        if name == "depends_on" and value:
            item_id = self.current_id()
            g = graph.build_graph(self.plan)
            for dep in value:
                if dep not in self.plan.item_by_id:
                    return f"no item '{dep}' in the plan" + model_parse.did_you_mean(
                        dep, list(self.plan.item_by_id)
                    )
                cycle = graph.path_that_would_close(g, item_id, dep)
                if cycle is not None:
                    return f"depending on '{dep}' would close the cycle {graph.format_cycle(cycle)}"
        return None


class RiskEditor(_Editor[Risk]):
    FIELDS = RISK_FIELDS

    def heading(self) -> str:
        return "New risk" if self.original is None else f"Edit risk {self.original.id}"

    def to_table(self, original: Risk) -> dict[str, Any]:
        return model_parse.risk_to_toml(original)

    def parse_field(self, name: str, raw: Any) -> Any:
        return model_parse.parse_risk_field(name, raw)

    def parse_whole(self, obj_id: str, table: dict[str, Any]) -> tuple[Risk | None, list[Any]]:
        return model_parse.parse_risk(obj_id, table)

    def check(self, name: str, value: Any) -> str | None:
        if name == "id":
            return self.check_new_id(value, self.plan.risk_by_id, "a risk")
        if name == "affects" and value:
            unknown = [a for a in value if a not in self.plan.item_by_id]
            if unknown:
                return f"no item '{unknown[0]}' in the plan"
        return None


TEAM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "id", placeholder="ml", new_only=True),
    FieldSpec("title", "title", placeholder="required"),
    FieldSpec("capacity", "capacity", placeholder="2  or  [[2027-01-04, 2], [2027-03-01, 3]]"),
)


class TeamEditor(_Editor[Team]):
    FIELDS = TEAM_FIELDS

    def heading(self) -> str:
        return "New team" if self.original is None else f"Edit team {self.original.id}"

    def to_table(self, original: Team) -> dict[str, Any]:
        return model_parse.team_to_toml(original)

    def parse_field(self, name: str, raw: Any) -> Any:
        return model_parse.parse_team_field(name, raw)

    def parse_whole(self, obj_id: str, table: dict[str, Any]) -> tuple[Team | None, list[Any]]:
        return model_parse.parse_team(obj_id, table)

    def check(self, name: str, value: Any) -> str | None:
        if name == "id":
            return self.check_new_id(value, self.plan.team_by_id, "a team")
        return None


SETTINGS_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "name", placeholder="required"),
    FieldSpec("start", "start", placeholder="YYYY-MM-DD: the first day of work"),
    FieldSpec("workdays", "workdays", placeholder="mon, tue, wed, thu, fri"),
    FieldSpec("holidays", "holidays", placeholder="YYYY-MM-DD, YYYY-MM-DD (no work)"),
    FieldSpec("as_of", "as of", placeholder="YYYY-MM-DD: the status date (empty: the start)"),
    FieldSpec("runs", "runs", placeholder="futures per forecast (default 10000)"),
    FieldSpec("seed", "seed", placeholder="random seed: same seed, same figures"),
)
_SETTING_SECTION = {"runs": "forecast", "seed": "forecast"}


class SettingsEditor(_Editor[Plan]):
    """The plan's [plan] and [forecast] settings, each read by the model's own setting parser
    (`parse.update_setting`, what `roadmap set plan.KEY` uses)."""

    FIELDS = SETTINGS_FIELDS

    def heading(self) -> str:
        return "Plan settings"

    def to_table(self, original: Plan) -> dict[str, Any]:
        return {
            "name": original.name,
            "start": original.start,
            "workdays": list(original.workdays),
            "holidays": list(original.holidays),
            "as_of": original.as_of,
            "runs": original.runs,
            "seed": original.seed,
        }

    def current_id(self) -> str:
        return ""

    def raw(self, spec: FieldSpec) -> Any:
        text = self.query_one(f"#field-{spec.name}", Input).value.strip()
        if spec.name in ("name", "workdays"):  # words, not TOML values
            words = [w.strip(" \"'") for w in text.strip("[]").split(",")]
            return (words if spec.name == "workdays" else text) if text else None
        raw = super().raw(spec)
        if spec.name == "holidays" and raw is not None and not isinstance(raw, list):
            return [raw]  # one date typed alone
        return raw

    def parse_field(self, name: str, raw: Any) -> Any:
        plan = self.original or self.plan
        return model_parse.update_setting(plan, _SETTING_SECTION.get(name, "plan"), name, raw)

    def parse_whole(self, obj_id: str, table: dict[str, Any]) -> tuple[Plan | None, list[Any]]:
        plan = self.original or self.plan
        problems = []
        for spec in self.FIELDS:
            section = _SETTING_SECTION.get(spec.name, "plan")
            try:
                plan = model_parse.update_setting(plan, section, spec.name, table.get(spec.name))
            except model_parse.FieldError as error:
                problems.append(model_parse.ParseProblem((spec.name,), str(error)))
        return (None, problems) if problems else (plan, [])

    def check(self, name: str, value: Any) -> str | None:
        return None

    def validate_field(self, spec: FieldSpec) -> None:
        """Settings are checked even when emptied: a name and a start are required."""
        try:
            self.parse_field(spec.name, self.raw(spec))
            message = None
        except model_parse.FieldError as error:
            message = str(error)
        self.show_error(spec.name, message)
