"""The command palette: every action of the registry, and a jump to any item by id or title."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from roadmap_tui.tui.actions import ACTIONS, palette_action

if TYPE_CHECKING:
    from roadmap_tui.tui.app import RoadmapApp


class RoadmapCommands(Provider):
    """Searching matches action names and help, item ids and item titles."""

    @property
    def roadmap(self) -> RoadmapApp:
        return cast("RoadmapApp", self.app)

    def entries(self) -> list[tuple[str, str, object]]:
        entries: list[tuple[str, str, object]] = []
        for action in ACTIONS:
            entries.append(
                (action.palette_text, action.help, partial(self.run, palette_action(action)))
            )
        for item in self.roadmap.plan.items:
            entries.append(
                (
                    f"Go to {item.id}: {item.title}",
                    f"Select item {item.id}",
                    partial(self.roadmap.select_item, item.id),
                )
            )
        return entries

    async def run(self, action: str) -> None:
        await self.app.run_action(action)

    async def discover(self) -> Hits:
        for text, help_text, command in self.entries():
            yield DiscoveryHit(text, command, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self.entries():
            score = max(matcher.match(text), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)  # type: ignore[arg-type]
