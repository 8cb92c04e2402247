"""A plan that does not validate still opens: in a list of its problems (`PATH:LINE: message`).

Enter opens $EDITOR at the problem's line; the file is watched, and once it validates the
editor opens on it. The problems come from the store, the one reader of plan files.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from roadmap_tui import store


def editor_command(path: Path, line: int, environ: dict[str, str] | None = None) -> list[str]:
    """$VISUAL or $EDITOR (vi without either) opened at `line`: `+LINE PATH` as vi, nano,
    emacs and micro take it, `-g PATH:LINE` for VS Code."""
    env = os.environ if environ is None else environ
    command = shlex.split(env.get("VISUAL") or env.get("EDITOR") or "vi")
    if Path(command[0]).name in ("code", "code-insiders", "codium"):
        return [*command, "-g", f"{path}:{line}"]
    return [*command, f"+{line}", str(path)]


class ProblemsApp(App[bool]):
    """Exits True once the plan validates (open it), False when the PM quits."""

    TITLE = "roadmap: the plan has problems"
    CSS = """
    #problems-note { padding: 0 1; margin-bottom: 1; }
    #problem-list { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "quit_problems", "Quit", id="roadmap.problems-quit")
    ]

    def __init__(
        self, path: Path, problems: list[store.Problem], poll_interval: float | None = 1.0
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.problems = problems
        self.poll_interval = poll_interval
        self._signature = self.signature()

    def compose(self) -> ComposeResult:
        yield Label("", id="problems-note")
        yield OptionList(id="problem-list")
        yield Footer()

    def on_mount(self) -> None:
        self.show_problems()
        if self.poll_interval:
            self.set_interval(self.poll_interval, self.check_file)

    def show_problems(self) -> None:
        n = len(self.problems)
        self.query_one("#problems-note", Label).update(
            f"{self.path} does not validate ({n} problem{'s' if n != 1 else ''}). Enter opens "
            "your $EDITOR at the line; the plan opens here as soon as it is fixed. q quits."
        )
        options = self.query_one(OptionList)
        options.clear_options()
        for n, problem in enumerate(self.problems):
            options.add_option(Option(str(problem), id=str(n)))
        if self.problems:
            options.highlighted = 0

    def signature(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def check_file(self, force: bool = False) -> None:
        """The file moved: read it again; a valid plan opens, new problems replace the list."""
        signature = self.signature()
        if not force and signature == self._signature:
            return
        self._signature = signature
        try:
            store.load_plan(self.path)
        except store.PlanError as error:
            self.problems = list(error.problems)
            self.show_problems()
            return
        except store.PlanFileError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.exit(True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        problem = self.problems[int(event.option.id or 0)]
        self.run_editor(editor_command(self.path, problem.line))
        self.check_file(force=True)

    def run_editor(self, command: list[str]) -> None:
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except Exception as error:  # no terminal to hand over, or no such editor
            self.notify(f"Could not run {command[0]}: {error}", severity="error", markup=False)

    def action_quit_problems(self) -> None:
        self.exit(False)
