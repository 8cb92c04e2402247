"""The roadmap editor: one plan, six views, an undo history and a live forecast.

The app owns the plan (an immutable value kept in `History`), the latest forecast and ranking,
and the selection; views only draw a `Shown` snapshot and post messages. Every rule (parsing,
cycles, forecasting, scoring, saving) comes from model, forecast, priority and store.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.timer import Timer
from textual.widgets import Footer, HelpPanel, Input, TabbedContent, TabPane
from textual.worker import get_current_worker

from roadmap_tui import store
from roadmap_tui.forecast.effects import RiskEffects, risk_effects
from roadmap_tui.forecast.engine import compare, simulate
from roadmap_tui.forecast.result import ForecastResult
from roadmap_tui.model.parse import validate_plan
from roadmap_tui.model.text import display_plan
from roadmap_tui.model.types import Item, Plan, PriorityConfig, Risk, Scenario, Team
from roadmap_tui.priority import PriorityError, Ranking, prioritize
from roadmap_tui.tui.actions import VIEWS, bindings_for
from roadmap_tui.tui.commands import RoadmapCommands
from roadmap_tui.tui.messages import (
    FromWorker,
    ItemSelected,
    RiskSelected,
    ScenarioChosen,
    TeamSelected,
    WeightsChanged,
)
from roadmap_tui.tui.state import History
from roadmap_tui.tui.views import Shown, View, overridden_fields
from roadmap_tui.tui.views.forecast import ForecastView
from roadmap_tui.tui.views.graph import GraphView
from roadmap_tui.tui.views.items import ItemsView
from roadmap_tui.tui.views.priorities import PrioritiesView
from roadmap_tui.tui.views.risks import RisksView
from roadmap_tui.tui.views.timeline import TimelineView
from roadmap_tui.tui.widgets.dialogs import Choice, ChoiceDialog
from roadmap_tui.tui.widgets.editor import ItemEditor, RiskEditor, SettingsEditor, TeamEditor
from roadmap_tui.tui.widgets.filters import FilterDialog, ItemFilter
from roadmap_tui.tui.widgets.picker import DependencyPicker
from roadmap_tui.tui.widgets.scenarios import ScenarioEditor, ScenarioList, copy_id
from roadmap_tui.tui.widgets.status import StatusLine
from roadmap_tui.vocabulary import plural

VIEW_CLASSES: dict[str, type[View]] = {
    "items": ItemsView,
    "timeline": TimelineView,
    "graph": GraphView,
    "forecast": ForecastView,
    "priorities": PrioritiesView,
    "risks": RisksView,
}


class _Cancelled(Exception):
    """Raised inside the engine's progress callback to abandon a stale forecast run."""


#: Seconds without a new edit before the risks' effects are measured (the figures come first).
RISK_EFFECTS_DELAY = 0.3


def _forecast_key(plan: Plan) -> Plan:
    """What a forecast depends on: the plan without its priority weights, unless its teams
    queue by priority (then the weights decide who waits, and so the dates)."""
    from roadmap_tui.forecast.capacity import uses_capacity

    if plan.queue == "priority" and uses_capacity(plan):
        return plan
    return replace(plan, priority=PriorityConfig())


class RoadmapApp(App[None]):
    """Edit one plan file; the forecast and priorities follow every edit."""

    CSS_PATH = "roadmap.tcss"
    #: `-short` on the screen below 30 rows: view 6 then keeps rows of the risks table in sight
    #: beside the teams (roadmap.tcss)
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]
    TITLE = "roadmap"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {RoadmapCommands}

    def __init__(
        self,
        path: str | Path,
        *,
        loaded: store.LoadedPlan | None = None,
        runs: int | None = None,
        seed: int | None = None,
        debounce: float = 0.15,
        poll_interval: float | None = 1.0,
        freeze_startup: bool = False,
    ) -> None:
        super().__init__()
        self.loaded = loaded if loaded is not None else store.load_plan(Path(path))
        self.history = History(self.loaded.plan)
        self.runs = runs
        self.seed = self.loaded.plan.seed if seed is None else seed
        self.debounce = debounce
        self.poll_interval = poll_interval
        self.freeze_startup = freeze_startup
        self.scenario: str | None = None
        self.focus_item = False
        self.selected_id: str | None = self.plan.items[0].id if self.plan.items else None
        self.selected_risk: str | None = self.plan.risks[0].id if self.plan.risks else None
        self.selected_team: str | None = self.plan.teams[0].id if self.plan.teams else None
        self.forecast: ForecastResult | None = None
        self.forecast_plan: Plan | None = None
        self._forecast_for: tuple[Plan, str | None, int] | None = None
        self.comparison: dict[str | None, ForecastResult] | None = None
        self.calibrated: ForecastResult | None = None
        self.calibration_note: str | None = None
        self.risk_effects: RiskEffects | None = None
        self.ranking: Ranking | None = None
        self.forecast_error: str | None = None
        self._generation = 0
        self._debounce_timer: Timer | None = None
        self._forecast_running = False
        self._disk_prompt_open = False
        self._disk_check_running = False
        self._disk_signature: tuple[int, int] | None = self._signature()
        self._dismissed_digest: str | None = None
        self._typed_ahead: list[events.Key] | None = None
        self.item_filter = ItemFilter()
        #: under each scenario, whether edits go to it (True) or to the baseline (False)
        self.edit_scenario: dict[str, bool] = {}
        self.sub_title = str(self.loaded.path)

    # -- state -------------------------------------------------------------------------------

    @property
    def plan(self) -> Plan:
        return self.history.present

    @property
    def stale(self) -> bool:
        """True while the figures shown are not those of the plan, scenario and seed shown."""
        return self._forecast_for != (_forecast_key(self.plan), self.scenario, self.seed)

    @property
    def forecasting(self) -> bool:
        return self._forecast_running or self._debounce_timer is not None

    def plan_in_force(self) -> Plan:
        """The plan as the selected scenario sees it (the plan itself for the baseline)."""
        if self.scenario is None or self.scenario not in self.plan.scenario_by_id:
            return self.plan
        return self.plan.apply_scenario(self.scenario)

    def shown(self) -> Shown:
        """What the views draw: the plan's text made safe to show (model.text.display_plan);
        edits always start from `self.plan`, never from this copy."""
        return Shown(
            plan=display_plan(self.plan_in_force()),
            forecast=self.forecast,
            ranking=self.ranking,
            comparison=self.comparison,
            risk_effects=self.risk_effects,
            problems=tuple(validate_plan(self.plan)),
            selected=self.selected_id,
            selected_risk=self.selected_risk,
            selected_team=self.selected_team,
            scenario=self.scenario,
            focus_item=self.focus_item,
            stale=self.stale,
            overridden=overridden_fields(self.plan, self.scenario),
            hidden=self.hidden_items(),
            calibrated=self.calibrated,
            calibration=self.calibration_note,
        )

    def hidden_items(self) -> frozenset[str]:
        """The items the filter leaves out of the Items, Timeline and Graph views."""
        if not self.item_filter.active:
            return frozenset()
        plan = self.plan_in_force()
        figures = self.forecast.items if self.forecast is not None else {}
        return frozenset(
            i.id
            for i in plan.items
            if not self.item_filter.matches(
                i, figures[i.id].criticality if i.id in figures else None
            )
        )

    def action_filter_items(self) -> None:
        """Show only some items: by owner, team, tag, status, kind, critical path, milestones."""

        def done(chosen: ItemFilter | None) -> None:
            if chosen is None:
                return
            self.item_filter = chosen
            hidden = self.hidden_items()
            visible = [i.id for i in self.plan.items if i.id not in hidden]
            if self.selected_id in hidden and visible:
                self.selected_id = visible[0]
            self.refresh_views()

        self.push_screen(FilterDialog(self.plan_in_force(), self.item_filter), done)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with TabbedContent(id="views", initial="items"):
            for n, (name, title) in enumerate(VIEWS, start=1):
                with TabPane(f"{n} {title}", id=name):
                    yield VIEW_CLASSES[name](id=f"{name}-view")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # the app's own widgets, found once: `query` would search a modal screen on top
        self.views = list(self.query(View))
        self.status_line = self.query_one(StatusLine)
        self.tabs = self.query_one(TabbedContent)
        self.refresh_views()
        self._start_forecast()
        if self.poll_interval:
            self.set_interval(self.poll_interval, self.check_disk)

    def refresh_views(self) -> None:
        shown = self.shown()
        for view in self.views:
            view.show(shown)
        self.refresh_status()

    def refresh_status(self) -> None:
        self.status_line.update_status(
            path=self.loaded.path,
            plan=self.plan,
            dirty=self.history.dirty,
            forecasting=self.forecasting,
            stale=self.stale,
            error=self.forecast_error,
            runs=self.forecast.runs if self.forecast is not None else None,
            seed=self.seed,
            scenario=self.scenario,
            editing=self.editing,
            filtered=self.filter_note(),
        )

    def filter_note(self) -> str | None:
        if not self.item_filter.active:
            return None
        shown = len(self.plan.items) - len(self.hidden_items())
        return f"{shown}/{len(self.plan.items)} shown: {self.item_filter.describe()}"

    # -- keys typed ahead --------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Note the screen each key was typed on; while keys typed ahead of a screen that is
        opening wait for it, later keys wait behind them, so none overtakes another."""
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen_stack:
            if self._typed_ahead is not None:
                self._typed_ahead.append(event)
                return
            event.typed_on = self.screen  # type: ignore[attr-defined]
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """A key typed right after one that opened a form (`a`, then `abc` in one burst) was
        already on its way to the table under it: it comes back here unhandled. It is kept
        and typed into the form once the form is up, instead of being lost or misplaced."""
        typed_on = getattr(event, "typed_on", None)
        if typed_on is None or not self.screen_stack or typed_on is self.screen:
            return
        event.prevent_default()
        event.stop()
        if self._typed_ahead is None:
            self._typed_ahead = []
            self.set_timer(0.01, self._replay_typed_ahead)
        self._typed_ahead.append(event)

    async def _replay_typed_ahead(self, tries: int = 100) -> None:
        if not self.screen_stack:
            return
        if self.screen.focused is None and tries:  # the new screen is not up yet
            self.set_timer(0.01, lambda: self._replay_typed_ahead(tries - 1))
            return
        keys, self._typed_ahead = self._typed_ahead or [], None
        for key in keys:  # in order, each handled before the next, as if typed now
            if await self._check_bindings(key.key, priority=True):
                continue
            focused = self.screen.focused
            if isinstance(focused, Input) and key.is_printable and key.character:
                focused.insert_text_at_cursor(key.character)
            else:
                await self._check_bindings(key.key)

    @property
    def editing(self) -> str | None:
        """What edits change under the selected scenario, once asked: its id or `baseline`."""
        if self.scenario is None or self.scenario not in self.edit_scenario:
            return None
        return self.scenario if self.edit_scenario[self.scenario] else "baseline"

    # -- live forecast -----------------------------------------------------------------------

    def schedule_forecast(self) -> None:
        """Debounce: a burst of edits runs one forecast, ~0.15 s after the last."""
        if self._debounce_timer is not None:
            self._debounce_timer.stop()
        self._debounce_timer = self.set_timer(self.debounce, self._start_forecast)
        self.refresh_status()

    def _start_forecast(self) -> None:
        self._debounce_timer = None
        self._generation += 1
        self._forecast_running = True
        self.refresh_status()
        self._run_forecast(self.plan, self.scenario, self.seed, self._generation)

    @work(thread=True, exclusive=True, group="forecast", exit_on_error=False)
    def _run_forecast(self, plan: Plan, scenario: str | None, seed: int, generation: int) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled or generation != self._generation:
                raise _Cancelled

        try:
            result = simulate(plan, runs=self.runs, seed=seed, scenario=scenario, progress=progress)
            self._from_worker(self._forecast_done, generation, plan, scenario, seed, result)
            if plan.calibrate and not worker.is_cancelled and generation == self._generation:
                from roadmap_tui.forecast import calibration as cal

                found = cal.calibrate(plan)
                calibrated = cal.calibrated_forecast(
                    plan, found, runs=self.runs, seed=seed, scenario=scenario, progress=progress
                )
                self._from_worker(self._calibration_done, generation, calibrated, found.describe())
            if plan.risks and self._still_idle(worker, generation, RISK_EFFECTS_DELAY):
                # what each risk costs, on the first runs: after the figures, and only once
                # the edits pause, so it never competes with the next edit's forecast
                effects = risk_effects(
                    plan, runs=self.runs, seed=seed, scenario=scenario, progress=progress
                )
                self._from_worker(self._risk_effects_done, generation, effects)
            if plan.scenarios and not worker.is_cancelled and generation == self._generation:
                comparison = compare(
                    plan, runs=self.runs, seed=seed, progress=progress, known={scenario: result}
                )
                self._from_worker(self._comparison_done, generation, comparison)
        except _Cancelled:
            return
        except Exception as error:  # the engine refuses a plan: say so, keep the old figures
            self._from_worker(self._forecast_failed, generation, f"{error}")
        finally:
            self._from_worker(self._worker_finished, generation)

    def _from_worker(self, callback: Callable[..., object], *args: Any) -> None:
        """From a worker thread: run `callback(*args)` on the app's thread, without waiting
        (messages.FromWorker says why); results arrive in the order they were posted."""
        self.post_message(FromWorker(partial(callback, *args)))

    @on(FromWorker)
    async def _apply_from_worker(self, message: FromWorker) -> None:
        result = message.apply()
        if inspect.isawaitable(result):
            await result

    def _still_idle(self, worker: Any, generation: int, seconds: float) -> bool:
        """In the worker: wait `seconds`; False as soon as a newer edit supersedes it."""
        deadline = time.monotonic() + seconds
        while True:
            if worker.is_cancelled or generation != self._generation:
                return False
            if time.monotonic() >= deadline:
                return True
            time.sleep(0.02)

    def _worker_finished(self, generation: int) -> None:
        """On the app's thread, so a run starting meanwhile cannot be marked finished."""
        if generation == self._generation:
            self._forecast_running = False
            self.refresh_status()

    def _forecast_done(
        self, generation: int, plan: Plan, scenario: str | None, seed: int, result: ForecastResult
    ) -> None:
        if generation != self._generation:
            return
        self.forecast = result
        self.forecast_plan = plan.apply_scenario(scenario) if scenario else plan
        self._forecast_for = (_forecast_key(plan), scenario, seed)
        self.forecast_error = None
        self.calibrated = None
        self.calibration_note = "calibrating..." if plan.calibrate else None
        if not plan.scenarios:
            self.comparison = None
        self._rerank()
        self.refresh_views()
        if self.freeze_startup:
            # Python's full garbage collections walk every live object: ~0.1 s here, often
            # enough to push a re-forecast past half a second. What exists once the first
            # figures are up lives as long as the app, so it is left out of them from now on.
            self.freeze_startup = False
            self.call_after_refresh(gc.freeze)

    def _calibration_done(
        self, generation: int, calibrated: ForecastResult | None, note: str
    ) -> None:
        if generation != self._generation:
            return
        self.calibrated, self.calibration_note = calibrated, note
        self.refresh_views()

    def _risk_effects_done(self, generation: int, effects: RiskEffects) -> None:
        if generation != self._generation:
            return
        self.risk_effects = effects
        self.refresh_views()

    def _comparison_done(self, generation: int, comparison: dict[str | None, Any]) -> None:
        if generation != self._generation:
            return
        self.comparison = comparison
        self.refresh_views()

    def _forecast_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.forecast_error = message
        self.refresh_status()

    def _rerank(self) -> None:
        """Rank the forecast's plan under the present weights (no new forecast needed)."""
        if self.forecast is None or self.forecast_plan is None:
            self.ranking = None
            return
        plan = replace(self.forecast_plan, priority=self.plan.priority)
        try:
            self.ranking = prioritize(plan, self.forecast)
        except PriorityError as error:
            self.ranking = None
            self.notify(f"Cannot rank: {error}", severity="error", markup=False)

    async def wait_for_forecast(self, timeout: float = 30.0) -> None:
        """Until the figures shown are fresh (tests and the screenshot script use it)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.forecasting or (self.stale and self.forecast_error is None):
            if loop.time() > deadline:
                raise TimeoutError("the forecast did not finish")
            await asyncio.sleep(0.02)
        await self.workers.wait_for_complete()

    # -- edits -------------------------------------------------------------------------------

    def apply(self, plan: Plan, label: str) -> None:
        """Every edit goes through here: recorded for undo, then re-forecast."""
        if not self.history.push(plan, label):
            return
        self._after_change()

    def _after_change(self) -> None:
        if self.selected_id not in self.plan.item_by_id:
            self.selected_id = self.plan.items[0].id if self.plan.items else None
        if self.selected_risk not in self.plan.risk_by_id:
            self.selected_risk = self.plan.risks[0].id if self.plan.risks else None
        if self.selected_team not in self.plan.team_by_id:
            self.selected_team = self.plan.teams[0].id if self.plan.teams else None
        if self.scenario is not None and self.scenario not in self.plan.scenario_by_id:
            self.scenario = None
        if self._forecast_for is not None and self._forecast_for[0] == _forecast_key(self.plan):
            self._rerank()  # only the weights moved: re-rank now, no forecast needed
        self.refresh_views()
        if self.stale:
            self.schedule_forecast()

    def _edit(
        self,
        editor: ItemEditor | RiskEditor | TeamEditor | SettingsEditor,
        then: Callable[[Any], None],
    ) -> None:
        """Open a form; `then` runs with what it built, unless it was cancelled."""

        def done(built: Any) -> None:
            if built is not None:
                then(built)

        self.push_screen(editor, done)

    def _confirm_delete(self, what: str, message: str, delete: Callable[[], None]) -> None:
        def done(choice: str | None) -> None:
            if choice == "delete":
                delete()

        self.push_screen(
            ChoiceDialog(
                message,
                [Choice("delete", "Delete", "error"), Choice("cancel", "Cancel")],
                title=f"Delete {what}",
            ),
            done,
        )

    def action_add_item(self) -> None:
        def add(item: Item) -> None:
            self.apply(self.plan.with_item(item), f"add {item.id}")
            self.select_item(item.id)

        self._edit(ItemEditor(self.plan, None), add)

    def edit_where(self, then: Callable[[bool], None]) -> None:
        """Under a scenario, ask once whether edits go to it or to the baseline; remember the
        answer for that scenario. `then(True)` edits the scenario, `then(False)` the plan."""
        scenario = self.scenario
        if scenario is None:
            then(False)
            return
        if scenario in self.edit_scenario:
            then(self.edit_scenario[scenario])
            return

        def done(choice: str | None) -> None:
            if choice not in ("scenario", "baseline"):
                return
            self.edit_scenario[scenario] = choice == "scenario"
            self.refresh_status()
            then(choice == "scenario")

        self.push_screen(
            ChoiceDialog(
                f"You are looking at the scenario [b]{escape(scenario)}[/b]. Should your edits "
                "change this scenario (its overrides) or the baseline plan? The answer is "
                "remembered for this scenario; the status line shows it.",
                [
                    Choice("scenario", "This scenario", "primary"),
                    Choice("baseline", "The baseline"),
                    Choice("cancel", "Cancel"),
                ],
                title="Edit which plan?",
            ),
            done,
        )

    def apply_change(
        self,
        obj: Item | Risk | Team,
        to_scenario: bool,
        label: str,
        renamed_from: str | None = None,
    ) -> None:
        """An edited item, risk or team, into the plan or, as overrides, into the scenario
        shown.

        An item whose id was changed is renamed first, everywhere (ids are the plan's own,
        never a scenario's)."""
        plan = self.plan
        if renamed_from is not None and renamed_from != obj.id:
            plan = plan.with_item_renamed(renamed_from, obj.id)
            label = f"rename {renamed_from} to {obj.id}"
            if self.selected_id == renamed_from:
                self.selected_id = obj.id
        if to_scenario and self.scenario is not None:
            plan = plan.with_scenario_seeing(self.scenario, obj)
            label = f"{label} in {self.scenario}"
        elif isinstance(obj, Item):
            plan = plan.with_item(obj)
        elif isinstance(obj, Team):
            plan = plan.with_team(obj)
        else:
            plan = plan.with_risk(obj)
        self.apply(plan, label)

    def action_edit_item(self) -> None:
        item_id = self.selected_id
        if item_id is None:
            self.notify("No item selected", severity="warning")
            return

        def edit(to_scenario: bool) -> None:
            plan = self.plan_in_force() if to_scenario else self.plan
            self._edit(
                ItemEditor(plan, plan.item(item_id)),
                lambda item: self.apply_change(item, to_scenario, f"edit {item.id}", item_id),
            )

        self.edit_where(edit)

    def action_delete_item(self) -> None:
        item_id = self.selected_id
        if item_id is None:
            return
        dependents = [i.id for i in self.plan.items if item_id in i.depends_on]
        risks = [r.id for r in self.plan.risks if item_id in r.affects]
        lines = [f"Delete [b]{item_id}[/b] ({escape(self.plan.item(item_id).title)})?"]
        if dependents:
            lines.append("These items depend on it and will be unlinked: " + ", ".join(dependents))
        else:
            lines.append("No item depends on it.")
        if risks:
            lines.append("It will be removed from the risks: " + ", ".join(risks))
        self._confirm_delete(
            "item",
            "\n".join(lines),
            lambda: self.apply(self.plan.without_item(item_id), f"delete {item_id}"),
        )

    def action_link_dependency(self) -> None:
        if self.selected_id is None:
            return
        item_id = self.selected_id

        def link(to_scenario: bool) -> None:
            plan = self.plan_in_force() if to_scenario else self.plan

            def done(dep: str | None) -> None:
                if dep is None:
                    return
                item = plan.item(item_id)
                if dep in item.depends_on:
                    deps = tuple(d for d in item.depends_on if d != dep)
                    label = f"unlink {item_id} from {dep}"
                else:
                    deps, label = (*item.depends_on, dep), f"link {item_id} to {dep}"
                self.apply_change(replace(item, depends_on=deps), to_scenario, label)

            self.push_screen(DependencyPicker(plan, item_id), done)

        self.edit_where(link)

    def action_edit_settings(self) -> None:
        """The plan's name, start, workdays, holidays, as-of date, runs and seed."""

        def done(plan: Plan) -> None:
            if plan.seed != self.plan.seed:
                self.seed = plan.seed  # the seed shown is the plan's, until `r` reseeds
            self.apply(plan, "edit plan settings")

        self._edit(SettingsEditor(self.plan, self.plan), done)

    def action_scenarios(self) -> None:
        """Add, edit, duplicate or delete scenarios."""

        def done(choice: tuple[str, str | None] | None) -> None:
            if choice is None:
                return
            what, scenario_id = choice
            if what == "delete" and scenario_id is not None:
                self._confirm_delete(
                    "scenario",
                    f"Delete the scenario [b]{escape(scenario_id)}[/b] and its overrides?",
                    lambda: self.apply(
                        self.plan.without_scenario(scenario_id), f"delete scenario {scenario_id}"
                    ),
                )
                return
            original = self.plan.scenario_by_id.get(scenario_id or "")
            new_id = ""
            if what == "new":
                original = None
            elif what == "duplicate" and original is not None:
                new_id = copy_id(self.plan, original.id)
                original = replace(original, title=f"{original.title} (copy)")

            def apply(scenario: Scenario) -> None:
                verb = "edit" if what == "edit" else "add"
                self.apply(self.plan.with_scenario(scenario), f"{verb} scenario {scenario.id}")
                self.set_scenario(scenario.id)

            self._edit(ScenarioEditor(self.plan, original, new_id=new_id), apply)

        self.push_screen(ScenarioList(self.plan, self.scenario), done)

    def action_open_link(self) -> None:
        """`o`: the selected item's issue in the browser (the link `roadmap import` set)."""
        item = self.plan.item_by_id.get(self.selected_id or "")
        if item is None or not item.link:
            self.notify("The selected item has no link", severity="warning")
            return
        import webbrowser

        opened = webbrowser.open(item.link)
        self.notify(f"Opened {item.link}" if opened else f"No browser to open {item.link}")

    def action_add_risk(self) -> None:
        def add(risk: Risk) -> None:
            self.apply(self.plan.with_risk(risk), f"add risk {risk.id}")
            self.selected_risk = risk.id
            self.refresh_views()

        self._edit(RiskEditor(self.plan, None), add)

    def action_edit_risk(self) -> None:
        risk_id = self.selected_risk
        if risk_id is None:
            return

        def edit(to_scenario: bool) -> None:
            plan = self.plan_in_force() if to_scenario else self.plan
            self._edit(
                RiskEditor(plan, plan.risk_by_id[risk_id]),
                lambda risk: self.apply_change(risk, to_scenario, f"edit risk {risk.id}"),
            )

        self.edit_where(edit)

    def action_add_team(self) -> None:
        def add(team: Any) -> None:
            self.apply(self.plan.with_team(team), f"add team {team.id}")
            self.selected_team = team.id
            self.refresh_views()

        self._edit(TeamEditor(self.plan, None), add)

    def action_edit_team(self) -> None:
        """Like a risk: under a scenario, the edit goes where `edit_where` says (the form
        shows the values in force), so a scenario's capacity is edited where it is seen."""
        team_id = self.selected_team
        if team_id is None or team_id not in self.plan.team_by_id:
            return

        def edit(to_scenario: bool) -> None:
            plan = self.plan_in_force() if to_scenario else self.plan
            self._edit(
                TeamEditor(plan, plan.team_by_id[team_id]),
                lambda team: self.apply_change(team, to_scenario, f"edit team {team.id}"),
            )

        self.edit_where(edit)

    def action_delete_team(self) -> None:
        """Delete the selected team after a confirmation that says which items named it.

        Those items lose their `team` rather than the delete being refused: a PM deletes a
        team because the people are gone or were never separate (a vendor contract ended, two
        teams merged), and refusing would make them edit every item first, one undo step
        each, to reach the same plan. The dialog names the items and says their waits go
        (they are forecast without a capacity limit), as deleting an item names the items
        it unlinks; one undo brings the team and every reference back, and the save writes
        only the lines that named it."""
        team_id = self.selected_team
        if team_id is None or team_id not in self.plan.team_by_id:
            self.notify("No team selected", severity="warning")
            return
        users = [i.id for i in self.plan.items if i.team == team_id]
        moved = sorted(
            {
                s.id
                for s in self.plan.scenarios
                for o in s.overrides
                if (o.section == "teams" and o.id == team_id)
                or (o.section, o.field, o.value) == ("items", "team", team_id)
            }
        )
        team = self.plan.team_by_id[team_id]
        lines = [f"Delete the team [b]{team_id}[/b] ({escape(team.title)})?"]
        if users:
            lines.append(
                f"{plural(len(users), 'item')} name it and will have no team (no waiting for "
                f"capacity): {', '.join(users)}"
            )
        else:
            lines.append("No item names it.")
        if moved:
            lines.append("Its overrides go from the scenarios: " + ", ".join(moved))
        self._confirm_delete(
            "team",
            "\n".join(lines),
            lambda: self.apply(self.plan.without_team(team_id), f"delete team {team_id}"),
        )

    def action_delete_risk(self) -> None:
        risk_id = self.selected_risk
        if risk_id is None:
            return
        self._confirm_delete(
            "risk",
            f"Delete the risk [b]{risk_id}[/b]?",
            lambda: self.apply(self.plan.without_risk(risk_id), f"delete risk {risk_id}"),
        )

    def action_undo(self) -> None:
        self._stepped(self.history.undo(), "Undid", "Nothing to undo")

    def action_redo(self) -> None:
        self._stepped(self.history.redo(), "Redid", "Nothing to redo")

    def _stepped(self, label: str | None, verb: str, nothing: str) -> None:
        if label is None:
            self.notify(nothing)
            return
        self.notify(f"{verb} {label}", timeout=2, markup=False)
        self._after_change()

    @on(WeightsChanged)
    def _weights_changed(self, event: WeightsChanged) -> None:
        config = replace(self.plan.priority, weights=dict(event.weights), method=event.method)
        self.apply(replace(self.plan, priority=config), "edit priority weights")

    # -- selection, views, scenario ----------------------------------------------------------

    def select_item(self, item_id: str) -> None:
        if item_id in self.plan.item_by_id and item_id != self.selected_id:
            self.selected_id = item_id
            shown = self.shown()
            for view in self.views:
                view.select(shown)

    @on(ItemSelected)
    def _item_selected(self, event: ItemSelected) -> None:
        self.select_item(event.item_id)

    @on(RiskSelected)
    def _risk_selected(self, event: RiskSelected) -> None:
        if event.risk_id != self.selected_risk:
            self.selected_risk = event.risk_id
            self.view("risks").show(self.shown())

    @on(TeamSelected)
    def _team_selected(self, event: TeamSelected) -> None:
        if event.team_id != self.selected_team:
            self.selected_team = event.team_id
            self.view("risks").show(self.shown())

    def action_change_capacity(self, delta: int) -> None:
        """The selected team's capacity, edited in place: +1 or -1 unit (at least 1). For
        dated steps, every step with units changes by the same amount (none below 0). Under
        a scenario it changes the capacity shown, in the scenario or the baseline as
        `edit_where` says (a hiring scenario is tried with + and -)."""
        team_id = self.selected_team
        if team_id is None or team_id not in self.plan.team_by_id:
            self.notify("No team selected", severity="warning")
            return

        def change(to_scenario: bool) -> None:
            team = (self.plan_in_force() if to_scenario else self.plan).team_by_id[team_id]
            if isinstance(team.capacity, int):
                capacity: Any = max(team.capacity + delta, 1)
            else:
                capacity = tuple((day, max(n + delta, 0) if n else 0) for day, n in team.capacity)
                if not any(n for _, n in capacity):
                    capacity = team.capacity
            if capacity == team.capacity:
                self.notify(f"{team.id} has the least capacity it can have")
                return
            self.apply_change(
                replace(team, capacity=capacity), to_scenario, f"capacity of team {team.id}"
            )

        self.edit_where(change)

    @on(ScenarioChosen)
    def _scenario_chosen(self, event: ScenarioChosen) -> None:
        self.set_scenario(event.scenario)

    def set_scenario(self, scenario: str | None) -> None:
        if scenario == self.scenario:
            return
        self.scenario = scenario
        self.refresh_views()
        self.schedule_forecast()

    def action_next_scenario(self) -> None:
        order: list[str | None] = [None, *(s.id for s in self.plan.scenarios)]
        if len(order) == 1:
            self.notify("This plan has no scenarios")
            return
        self.set_scenario(order[(order.index(self.scenario) + 1) % len(order)])

    def action_show_history(self) -> None:
        """The forecast at every commit of the plan file, in a dialog (git runs off-thread)."""
        self.notify("Forecasting the plan's past commits...", timeout=2)
        self._load_history(self.loaded.path)

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _load_history(self, path: Path) -> None:
        from roadmap_tui.report.history import HistoryError, plan_history

        try:
            found = plan_history(path)
        except HistoryError as error:
            message = str(error)
        else:
            from roadmap_tui.console.history import slip_chart

            lines = [slip_chart(found).plain, found.accuracy.sentence()]
            lines += [f"note: {n}" for n in found.notes]
            message = "\n".join(lines)
        self._from_worker(
            self.push_screen,
            ChoiceDialog(escape(message), [Choice("close", "Close")], title="Forecast history"),
        )

    def action_toggle_focus(self) -> None:
        self.focus_item = not self.focus_item
        self.refresh_views()

    def action_show_view(self, name: str) -> None:
        self.tabs.active = name
        self.call_after_refresh(self.view(name).focus_main)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane
        if pane is not None and pane.id:
            self.call_after_refresh(self.view(pane.id).focus_main)

    def view(self, name: str) -> View:
        return next(v for v in self.views if v.id == f"{name}-view")

    def action_graph_compact(self) -> None:
        view = self.view("graph")
        assert isinstance(view, GraphView)
        self.notify("Graph: compact" if view.toggle_compact() else "Graph: boxes", timeout=1.5)

    def action_graph_focus(self) -> None:
        view = self.view("graph")
        assert isinstance(view, GraphView)
        focused = view.toggle_focus(self.shown())
        self.notify(
            f"Graph: {focused}, its ancestors and descendants" if focused else "Graph: all items",
            timeout=1.5,
            markup=False,
        )

    def action_timeline_zoom(self) -> None:
        view = self.view("timeline")
        assert isinstance(view, TimelineView)
        self.notify(f"Timeline zoom: {view.zoom()}", timeout=1.5)

    def action_sort_items(self) -> None:
        view = self.view("items")
        assert isinstance(view, ItemsView)
        view.pick_sort()

    def action_reforecast(self) -> None:
        self.seed += 1
        self.notify(f"Re-forecasting with seed {self.seed}", timeout=2)
        self.refresh_views()
        self.schedule_forecast()

    # -- files -------------------------------------------------------------------------------

    def action_save(self) -> None:
        self.save()

    def save(self, force: bool = False) -> bool:
        plan = self.plan
        try:
            self.loaded = store.save_plan(self.loaded, plan, force=force)
        except store.ExternalChangeError:
            self.offer_reload_or_overwrite()
            return False
        except store.PlanError as error:  # the store refuses to write an invalid plan
            problems = "\n".join(p.message for p in error.problems[:5])
            self.notify(
                f"Not saved, the plan has problems:\n{problems}", severity="error", markup=False
            )
            return False
        except (OSError, store.PlanFileError) as error:
            self.notify(f"Could not save: {error}", severity="error", markup=False)
            return False
        self.history.mark_saved(plan)
        self._disk_signature = self._signature()
        self.notify(f"Saved {self.loaded.path}", timeout=2, markup=False)
        self.refresh_status()
        return True

    def _signature(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.loaded.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def check_disk(self) -> None:
        """Polled: a `git pull` or another editor changed the file under us.

        The stat and, when it moved, the read and digest run in a thread: a slow disk (a
        network drive, a file being written) must never hold up the keys.
        """
        if self._disk_prompt_open or self._disk_check_running:
            return
        self._disk_check_running = True
        self._check_disk_in_thread(self.loaded, self._disk_signature)

    @work(thread=True, group="disk", exit_on_error=False)
    def _check_disk_in_thread(
        self, loaded: store.LoadedPlan, known: tuple[int, int] | None
    ) -> None:
        signature = digest = None
        try:
            st = os.stat(loaded.path)
            signature = (st.st_mtime_ns, st.st_size)
            if signature != known:
                _, digest = store.read_text(loaded.path)
        except (OSError, store.PlanFileError):
            pass
        finally:
            self._from_worker(self._disk_checked, loaded, signature, digest)

    def _disk_checked(
        self, loaded: store.LoadedPlan, signature: tuple[int, int] | None, digest: str | None
    ) -> None:
        """On the app's thread. A save or reload meanwhile makes the answer moot."""
        self._disk_check_running = False
        if loaded is not self.loaded or self._disk_prompt_open:
            return
        if signature is None or signature == self._disk_signature:
            return
        self._disk_signature = signature
        if digest is not None and digest not in (self.loaded.digest, self._dismissed_digest):
            self._dismissed_digest = None
            self.offer_reload_or_overwrite(disk_digest=digest)

    def offer_reload_or_overwrite(self, *, disk_digest: str | None = None) -> None:
        self._disk_prompt_open = True
        lines = [f"{escape(str(self.loaded.path))} changed on disk since it was opened."]
        if self.history.dirty:
            lines.append(
                "Reload replaces the plan shown with the file; your edits stay in the undo "
                "history (ctrl+z brings them back). Overwrite saves your plan over the file."
            )
        else:
            lines.append("You have no unsaved edits: reload to see the new version.")

        def done(choice: str | None) -> None:
            self._disk_prompt_open = False
            if choice == "reload":
                self.reload()
            elif choice == "overwrite":
                self.save(force=True)
            else:
                # keep editing; ask again only when the file changes once more (a save asks too)
                self._dismissed_digest = disk_digest

        self.push_screen(
            ChoiceDialog(
                "\n".join(lines),
                [
                    Choice("reload", "Reload", "primary"),
                    Choice("overwrite", "Overwrite", "warning"),
                    Choice("keep", "Keep editing"),
                ],
                title="File changed on disk",
            ),
            done,
        )

    def reload(self) -> None:
        try:
            loaded = store.load_plan(self.loaded.path)
        except store.PlanError as error:
            problems = "\n".join(str(p) for p in error.problems[:5])
            self.notify(
                f"The file on disk is not a valid plan:\n{problems}", severity="error", markup=False
            )
            return
        except store.PlanFileError as error:
            self.notify(f"Cannot read the file: {error}", severity="error", markup=False)
            return
        self.loaded = loaded
        self._disk_signature = self._signature()
        self.history.push(loaded.plan, "reload from disk")
        self.history.mark_saved(loaded.plan)
        self.notify("Reloaded from disk", timeout=2)
        self._after_change()

    def action_toggle_keys(self) -> None:
        """Textual's own keys panel lists every binding, also those the footer has no room for."""
        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_quit(self) -> None:
        """Textual's ctrl+q and the palette's Quit ask about unsaved changes too, like `q`."""
        self.action_quit_app()

    def action_quit_app(self) -> None:
        if isinstance(self.screen, ChoiceDialog) and self.screen.dialog_title == "Quit":
            return  # already asking
        if not self.history.dirty:
            self.exit()
            return

        def done(choice: str | None) -> None:
            if choice == "save":
                if self.save():
                    self.exit()
            elif choice == "discard":
                self.exit()

        self.push_screen(
            ChoiceDialog(
                "The plan has unsaved changes.",
                [
                    Choice("save", "Save and quit", "primary"),
                    Choice("discard", "Quit without saving", "error"),
                    Choice("cancel", "Cancel"),
                ],
                title="Quit",
            ),
            done,
        )
