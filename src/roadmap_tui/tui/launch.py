"""How the editor is opened from the shell: `roadmap PLAN`, `roadmap edit PLAN`, `roadmap`.

Only the CLI imports this module, lazily, so headless commands never load Textual.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

import click
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

EXAMPLE_COPY = "roadmap-example.toml"


def find_plans(root: Path) -> list[Path]:
    """Plan files in ./plans and ., sorted; hidden and duplicate paths left out."""
    found: list[Path] = []
    for folder in (root / "plans", root):
        if folder.is_dir():
            found += sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    return [p for p in found if p.name != "pyproject.toml"]


class PlanPicker(App[Path | None]):
    """A list of plans; enter opens one, q quits."""

    TITLE = "roadmap: choose a plan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "quit_picker", "Quit", id="roadmap.picker-quit")
    ]
    CSS_PATH = "picker.tcss"

    def __init__(self, plans: list[Path], note: str = "") -> None:
        super().__init__()
        self.plans = plans
        self.note = note

    def compose(self) -> ComposeResult:
        yield Label(self.note or "Choose a plan to open (enter), q to quit")
        yield OptionList(
            *(
                Option("+ a new plan from the template" if p == NEW_PLAN else str(p), id=str(i))
                for i, p in enumerate(self.plans)
            )
        )
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.exit(self.plans[int(event.option.id or 0)])

    def action_quit_picker(self) -> None:
        self.exit(None)


def copy_example(root: Path) -> Path:
    """A fresh machine has no plans: give it a copy of the bundled example to play with."""
    from roadmap_tui import store
    from roadmap_tui.examples import bundled_plan_path

    target = root / EXAMPLE_COPY
    if not target.exists():
        text, _ = store.read_text(bundled_plan_path())
        store.write_new_plan(target, text)
        click.echo(f"No plans here: copied the bundled example to {target}", err=True)
    return target


#: The picker's last entry: not a plan but "make one".
NEW_PLAN = Path("<new plan>")


def new_plan(root: Path) -> Path | None:
    """Ask for a file name and create a plan there from the template, starting next Monday."""
    from roadmap_tui import store

    name = click.prompt("New plan file", default="plan.toml", err=True)
    target = root / name if not Path(name).is_absolute() else Path(name)
    title = click.prompt("Plan name", default="My AI feature", err=True)
    try:
        store.write_new_plan(
            target,
            store.template_plan_text("ai-feature", plan_name=title, start=store.next_monday()),
        )
    except store.PlanFileError as error:
        click.echo(str(error), err=True)
        return None
    click.echo(f"Created {target} from the ai-feature template", err=True)
    return target


def first_run(root: Path) -> Path | None:
    """No plans here: ask before writing anything, offering the example or a new plan."""
    click.echo("No plans in ./plans or here.", err=True)
    choice = click.prompt(
        f"[e] open a copy of the bundled example (writes ./{EXAMPLE_COPY}), "
        "[n] a new plan from the template, [q] quit",
        type=click.Choice(["e", "n", "q"]),
        default="e",
        err=True,
    )
    if choice == "e":
        return copy_example(root)
    return new_plan(root) if choice == "n" else None


def pick_and_edit(root: Path | None = None) -> int:
    """`roadmap` with no argument: pick a plan in ./plans or ., or (asked) start one."""
    root = Path.cwd() if root is None else root
    plans = find_plans(root)
    if not plans:
        first = first_run(root)
        return 0 if first is None else edit(first)
    if len(plans) == 1:
        return edit(plans[0])
    choice = PlanPicker([*plans, NEW_PLAN]).run()
    if choice == NEW_PLAN:
        choice = new_plan(root)
    return 0 if choice is None else edit(choice)


def create_from_template(path: Path) -> None:
    from roadmap_tui import store

    store.write_new_plan(path, store.template_text("ai-feature"))
    click.echo(f"Created {path} from the ai-feature template", err=True)


def fix_problems_first(path: Path) -> int | None:
    """A plan that does not validate opens in the list of its problems until it does.

    None: the plan is valid now (open it); an exit code: the PM quit with problems left."""
    from roadmap_tui import store
    from roadmap_tui.exits import EXIT_INVALID
    from roadmap_tui.tui.problems import ProblemsApp

    try:
        store.load_plan(path)
    except store.PlanError as error:
        if not ProblemsApp(path, list(error.problems)).run():
            return EXIT_INVALID
    except store.PlanFileError:
        pass  # open_plan says why
    return None


def edit(path: str | Path, *, runs: int | None = None) -> int:
    """Open the editor on `path`; a missing file can be created from the template first."""
    from roadmap_tui.exits import EXIT_USAGE, open_plan

    path = Path(path)
    if not path.exists():
        if not click.confirm(f"{path} does not exist. Create it from the template?", default=True):
            return EXIT_USAGE
        create_from_template(path)
    if sys.stdout.isatty() and sys.stdin.isatty():
        fixed = fix_problems_first(path)
        if fixed is not None:
            return fixed
    loaded = open_plan(path)  # prints every problem and exits 1/2 when it cannot be opened
    from roadmap_tui.tui.app import RoadmapApp

    RoadmapApp(path, loaded=loaded, runs=runs, freeze_startup=True).run()
    return 0
