"""What a load changed: the report of the run, and the change rows of each airport."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from api.core.changes import ChangeKind, record_changes

SAMPLE_SIZE = 20


@dataclass(slots=True)
class LoadReport:
    staged: int = 0
    new: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    changed_fields: dict[str, Any] = field(default_factory=dict)
    children_changed: list[str] = field(default_factory=list)
    skipped_other_source: list[str] = field(default_factory=list)
    marked_empty: list[str] = field(default_factory=list)
    # Listed again by a later cycle, nothing else changed (their source_cycle moved).
    recycled: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changes_map(self) -> bool:
        """Whether the airports map layer (positions, types, tags) may have changed."""
        return bool(self.new or self.changed or self.closed or self.reopened or self.marked_empty)

    def summary(self) -> dict[str, Any]:
        """Counts and samples, small enough for the run record and a terminal."""

        def sample(codes: Sequence[str]) -> dict[str, Any]:
            return {"count": len(codes), "sample": sorted(codes)[:SAMPLE_SIZE]}

        return {
            "staged": self.staged,
            "new": sample(self.new),
            "closed": sample(self.closed),
            "reopened": sample(self.reopened),
            "changed": sample(self.changed),
            "changed_fields": self.changed_fields,
            "children_changed": sample(self.children_changed),
            "skipped_other_source": sample(self.skipped_other_source),
            "rows": self.counts,
        }


async def record(
    connection: AsyncConnection,
    report: LoadReport,
    changed: dict[str, list[str]],
    children: dict[str, list[str]],
) -> None:
    """Record what the cycle changed, airport by airport: new airports, official fields,
    runways, remarks and frequencies, the cycle that lists them, tags; and closures."""
    changes: dict[str, set[str]] = {}

    def add(codes: Iterable[str], *fields: str) -> None:
        for code in codes:
            changes.setdefault(code, set()).update(fields)

    add(report.new, "airport")
    for code, fields in changed.items():
        add([code], *fields)
    for code, parts in children.items():
        add([code], *parts)
    add(report.recycled, "source_cycle")
    add(report.marked_empty, "tags")
    if changes:
        await record_changes(connection, ChangeKind.IMPORT, changes)
    closures = dict.fromkeys([*report.closed, *report.reopened], ("tags",))
    if closures:
        await record_changes(connection, ChangeKind.CLOSURE, closures)
