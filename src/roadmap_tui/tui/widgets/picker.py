"""The dependency picker: choose what the selected item waits on; a link that would close a
cycle is refused, naming the path it would close."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from roadmap_tui.model import graph
from roadmap_tui.model.text import clean
from roadmap_tui.model.types import Plan


class DependencyPicker(ModalScreen[str | None]):
    """Dismisses with the id of a dependency to add, or of a linked one to remove, or None.

    The item's present dependencies are listed first, marked: choosing one unlinks it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="roadmap.picker-cancel"),
        Binding("down", "cursor_down", "Next", show=False, id="roadmap.picker-down"),
        Binding("up", "cursor_up", "Previous", show=False, id="roadmap.picker-up"),
    ]

    def __init__(self, plan: Plan, item_id: str) -> None:
        super().__init__(classes="dialog")
        self.plan = plan
        self.item_id = item_id
        self.graph = graph.build_graph(plan)

    def compose(self) -> ComposeResult:
        item = self.plan.item(self.item_id)
        with Vertical(classes="dialog-box picker-box"):
            yield Label(f"{item.id} depends on...", classes="dialog-title")
            yield Input(placeholder="type to filter by id or title", id="picker-filter")
            yield OptionList(id="picker-options")
            yield Static("", id="picker-message", classes="editor-error", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fill("")
        self.query_one(Input).focus()

    def candidates(self, text: str) -> list[str]:
        """Linked items first, then by how well the id matches: the exact id, an id that
        starts with the text, an id that contains it, and last a title that contains it."""
        item = self.plan.item(self.item_id)
        needle = text.strip().lower()

        def rank(other_id: str, title: str) -> int | None:
            lowered = other_id.lower()
            if lowered == needle:
                return 0
            if lowered.startswith(needle):
                return 1
            if needle in lowered:
                return 2
            return 3 if needle in title.lower() else None

        ranked = [
            (other.id not in item.depends_on, r, n, other.id)
            for n, other in enumerate(self.plan.items)
            if other.id != self.item_id and (r := rank(other.id, other.title)) is not None
        ]
        return [other_id for *_, other_id in sorted(ranked)]

    def fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        linked = self.plan.item(self.item_id).depends_on
        for candidate in self.candidates(text):
            title = self.plan.item(candidate).title
            mark = "[b]✓ linked[/b] (enter unlinks)  " if candidate in linked else ""
            label = f"{mark}{candidate}  [dim]{escape(clean(title))}[/dim]"
            options.add_option(Option(label, id=candidate))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submit_filter(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.choose(option.id or "")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id or "")

    def choose(self, dep: str) -> None:
        if dep in self.plan.item(self.item_id).depends_on:
            self.dismiss(dep)  # unlink
            return
        cycle = graph.path_that_would_close(self.graph, self.item_id, dep)
        if cycle is not None:
            self.query_one("#picker-message", Static).update(
                f"Refused: {self.item_id} depending on {dep} would close the cycle "
                f"{graph.format_cycle(cycle)}"
            )
            return
        self.dismiss(dep)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
