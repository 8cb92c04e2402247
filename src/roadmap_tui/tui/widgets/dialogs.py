"""A modal question with a few buttons: confirmations, quit, reload or overwrite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option


class ButtonRow(Horizontal):
    """A dialog's buttons: left and right move between them, as in any dialog."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous", show=False, id="roadmap.button-left"),
        Binding("right", "step(1)", "Next", show=False, id="roadmap.button-right"),
    ]

    def action_step(self, by: int) -> None:
        buttons = [b for b in self.query(Button) if b.focusable]
        focused = self.screen.focused
        if focused in buttons:
            self.screen.set_focus(buttons[(buttons.index(focused) + by) % len(buttons)])


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    variant: str = "default"


class ChoiceDialog(ModalScreen[str | None]):
    """Dismisses with the id of the button pressed, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="roadmap.dialog-cancel")
    ]

    def __init__(self, message: str, choices: list[Choice], title: str = "") -> None:
        super().__init__(classes="dialog")
        self.message = message
        self.choices = choices
        self.dialog_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            if self.dialog_title:
                yield Label(self.dialog_title, classes="dialog-title")
            yield Static(self.message, classes="dialog-message")
            with ButtonRow(classes="dialog-buttons"):
                for choice in self.choices:
                    yield Button(choice.label, id=choice.id, variant=choice.variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OptionDialog(ModalScreen[str | None]):
    """Pick one of a few options (enter or click); escape picks none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="roadmap.options-cancel")
    ]

    def __init__(
        self, title: str, options: list[tuple[str, str]], highlighted: str | None = None
    ) -> None:
        super().__init__(classes="dialog")
        self.dialog_title = title
        self.options = options
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.dialog_title, classes="dialog-title")
            yield OptionList(
                *(Option(label, id=option_id) for option_id, label in self.options),
                id="options",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [option_id for option_id, _ in self.options]
        if self.highlighted in ids:
            options.highlighted = ids.index(self.highlighted)
        self.set_focus(options)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
