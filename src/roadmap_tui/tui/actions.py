"""The one registry of user actions: footer bindings and the command palette both read it.

Each action names the widget scope that owns its key (bindings are declared on the widgets
that own them, built from here) and the action string Textual runs. The command palette
offers every action from anywhere, so its action strings target the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class UserAction:
    id: str
    key: str
    action: str
    description: str
    help: str
    scope: str = "app"
    show: bool = True
    priority: bool = False
    #: the name in the command palette, which lists every view's actions at once, when the
    #: footer's short one needs its object ("Delete" of an item, a risk or a team)
    palette: str = ""

    @property
    def keys_shown(self) -> str:
        """The keys as a person types them: `question_mark,f1` -> `? / f1`."""
        names = {
            "question_mark": "?",
            "delete": "del",
            "slash": "/",
            "plus": "+",
            "equals_sign": "=",
            "minus": "-",
        }
        return " / ".join(names.get(k, k) for k in self.key.split(","))

    @property
    def palette_text(self) -> str:
        """The action's line in the command palette: its name and keys."""
        return f"{self.palette or self.description} ({self.keys_shown})"

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            priority=self.priority,
            id=f"roadmap.{self.id}",
        )


VIEWS: tuple[tuple[str, str], ...] = (
    ("items", "Items"),
    ("timeline", "Timeline"),
    ("graph", "Graph"),
    ("forecast", "Forecast"),
    ("priorities", "Priorities"),
    ("risks", "Risks"),
)

ACTIONS: tuple[UserAction, ...] = (
    *(
        UserAction(
            f"view-{name}",
            str(n),
            f"app.show_view('{name}')",
            title,
            f"Show the {title.lower()} view",
            show=False,
        )
        for n, (name, title) in enumerate(VIEWS, start=1)
    ),
    UserAction(
        "add-item", "a", "app.add_item", "Add", "Add an item", scope="items", palette="Add item"
    ),
    UserAction(
        "edit-item",
        "enter",
        "app.edit_item",
        "Edit",
        "Edit the selected item",
        "items",
        palette="Edit item",
    ),
    UserAction(
        "delete-item",
        "delete",
        "app.delete_item",
        "Delete",
        "Delete the selected item",
        "items",
        palette="Delete item",
    ),
    UserAction(
        "link",
        "l",
        "app.link_dependency",
        "Link",
        "Add or remove a dependency of the selected item",
        "items",
    ),
    UserAction(
        "open-link",
        "o",
        "app.open_link",
        "Open link",
        "Open the selected item's link (its tracker issue) in the browser",
        "items",
        show=False,
    ),
    UserAction(
        "sort",
        "s",
        "app.sort_items",
        "Sort",
        "Choose the column to sort the items by",
        "items",
        show=False,
    ),
    UserAction("add-risk", "a", "app.add_risk", "Add risk", "Add a risk", scope="risks"),
    UserAction(
        "edit-risk",
        "enter",
        "app.edit_risk",
        "Edit",
        "Edit the selected risk",
        "risks",
        palette="Edit risk",
    ),
    UserAction(
        "delete-risk",
        "delete",
        "app.delete_risk",
        "Delete",
        "Delete the selected risk",
        "risks",
        palette="Delete risk",
    ),
    UserAction("add-team", "a", "app.add_team", "Add team", "Add a team", scope="teams"),
    UserAction(
        "edit-team",
        "enter",
        "app.edit_team",
        "Edit",
        "Edit the selected team",
        "teams",
        palette="Edit team",
    ),
    UserAction(
        "delete-team",
        "delete",
        "app.delete_team",
        "Delete",
        "Delete the selected team (its items keep no team)",
        "teams",
        palette="Delete team",
    ),
    UserAction(
        "team-more",
        "plus,equals_sign",
        "app.change_capacity(1)",
        "More",  # short, and `-` off the footer (the team's line says "+ / - to change"):
        # so with Delete, Quit and Keys still fit beside the palette's key at 80 columns
        "Give the selected team one more unit of capacity",
        "teams",
        palette="More capacity",
    ),
    UserAction(
        "team-less",
        "minus",
        "app.change_capacity(-1)",
        "Fewer",
        "Take one unit of capacity from the selected team",
        "teams",
        show=False,
        palette="Less capacity",
    ),
    UserAction(
        "focus",
        "f",
        "app.toggle_focus",
        "Plan/item",
        "Forecast the whole plan or the selected item",
        "forecast",
    ),
    UserAction(
        "history",
        "h",
        "app.show_history",
        "History",
        "The forecast at every commit of the plan: slip chart and accuracy",
        "forecast",
        show=False,
    ),
    UserAction(
        "scenario",
        "c",
        "app.next_scenario",
        "Scenario",
        "Switch to the next scenario (baseline first)",
        show=False,
    ),
    UserAction(
        "graph-compact",
        "m",
        "app.graph_compact",
        "Compact",
        "Graph: one line per item (compact) or boxes with their P50",
        "graph",
    ),
    UserAction(
        "graph-focus",
        "f",
        "app.graph_focus",
        "Focus",
        "Graph: only the selected item, its ancestors and descendants (the rest folded)",
        "graph",
    ),
    UserAction(
        "zoom",
        "z",
        "app.timeline_zoom",
        "Zoom",
        "Timeline zoom: the whole plan, weeks, months or quarters (scrolls sideways)",
        "timeline",
    ),
    UserAction(
        "filter",
        "slash",
        "app.filter_items",
        "Filter",
        "Show only some items (owner, team, tag, status, kind, critical path, milestones)",
        show=False,
    ),
    UserAction(
        "scenarios",
        "C",
        "app.scenarios",
        "Scenarios",
        "Add, edit, duplicate or delete scenarios",
        show=False,
    ),
    UserAction(
        "settings",
        "p",
        "app.edit_settings",
        "Plan",
        "Edit the plan's settings: name, start, workdays, holidays, as of, runs, seed",
        show=False,
    ),
    UserAction("undo", "ctrl+z", "app.undo", "Undo", "Undo the last edit"),
    UserAction("redo", "ctrl+y", "app.redo", "Redo", "Redo the edit undone last", show=False),
    UserAction("save", "ctrl+s", "app.save", "Save", "Save the plan to its file"),
    UserAction(  # off the footer so that Quit and Keys fit at 80 columns; `?` lists it
        "reforecast",
        "r",
        "app.reforecast",
        "Reseed",
        "Re-run the forecast with a new seed",
        show=False,
    ),
    UserAction("quit", "q", "app.quit_app", "Quit", "Quit (asks when there are unsaved changes)"),
    UserAction(
        "keys",
        "question_mark,f1",
        "app.toggle_keys",
        "Keys",
        "Show or hide every key of the view in a side panel",
    ),
)


def actions_for(scope: str) -> tuple[UserAction, ...]:
    return tuple(a for a in ACTIONS if a.scope == scope)


def bindings_for(scope: str) -> list[Binding]:
    """The Textual bindings of one widget scope, for its BINDINGS class variable."""
    return [a.binding() for a in actions_for(scope)]


def palette_action(action: UserAction) -> str:
    """The action string to run from the palette: widget-local actions go through the app."""
    return action.action if action.action.startswith("app.") else f"app.{action.action}"
