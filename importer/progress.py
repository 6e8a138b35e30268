"""Progress of an import: a rich display on a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import Protocol

import sentry_sdk
import sentry_sdk.tracing
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

logger = logging.getLogger("importer")


class Reporter(Protocol):
    def step(self, message: str) -> None: ...

    def transfer(self, name: str, done: int, total: int | None) -> None: ...

    def work(self, name: str, done: int, total: int) -> None:
        """Progress of counted work (tiles), with an estimate of the time left."""
        ...

    def info(self, message: str) -> None: ...

    def __enter__(self) -> Reporter: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class PlainReporter:
    """One log line per step; transfers reported at most every few seconds."""

    def __init__(self) -> None:
        self._last_transfer = 0.0
        self._started: dict[str, float] = {}

    def step(self, message: str) -> None:
        logger.info(message)

    def info(self, message: str) -> None:
        logger.info(message)

    def transfer(self, name: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if (total is not None and done >= total) or now - self._last_transfer > 5:
            self._last_transfer = now
            size = f"{done / 1e6:.1f} of {total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
            logger.info("Downloading %s: %s", name, size)

    def work(self, name: str, done: int, total: int) -> None:
        now = time.monotonic()
        started = self._started.setdefault(name, now)
        if done >= total or now - self._last_transfer > 5:
            self._last_transfer = now
            left = (now - started) / done * (total - done) if done else None
            eta = f", about {left:.0f} s left" if left is not None and done < total else ""
            logger.info("%s: %d of %d%s", name, done, total, eta)

    def __enter__(self) -> PlainReporter:
        return self

    def __exit__(self, *args: object) -> None:
        return None


class _SizeColumn(DownloadColumn):
    """Bytes done and total, for downloads only (steps have no size)."""

    def render(self, task: Task) -> Text:
        return super().render(task) if task.fields.get("download") else Text("")


class RichReporter:
    """A live display: a line per step with its elapsed time, and a bar per download."""

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(stderr=True)
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            _SizeColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self._console,
            transient=False,
        )
        self._downloads: dict[str, TaskID] = {}
        self._work: dict[str, TaskID] = {}
        self._step: TaskID | None = None

    def step(self, message: str) -> None:
        if self._step is not None:
            self._progress.update(self._step, completed=1, total=1)
        self._step = self._progress.add_task(message, total=None, download=False)

    def info(self, message: str) -> None:
        self._progress.console.print(message)

    def transfer(self, name: str, done: int, total: int | None) -> None:
        task = self._downloads.get(name)
        if task is None:
            task = self._downloads[name] = self._progress.add_task(
                f"Downloading {name}", total=total, download=True
            )
        self._progress.update(task, completed=done, total=total)

    def work(self, name: str, done: int, total: int) -> None:
        task = self._work.get(name)
        if task is None:
            task = self._work[name] = self._progress.add_task(name, total=total, download=False)
        self._progress.update(task, completed=done, total=total)

    def __enter__(self) -> RichReporter:
        self._progress.start()
        return self

    def __exit__(self, *args: object) -> None:
        if self._step is not None:
            self._progress.update(self._step, completed=1, total=1)
        self._progress.stop()


def make_reporter() -> Reporter:
    """A rich display on a terminal, plain log lines otherwise (CI, ECS, cron)."""
    return RichReporter() if sys.stderr.isatty() else PlainReporter()


class TracedReporter:
    """Another reporter, with each step a span of one Sentry performance trace for the whole
    import (nothing is sent when Sentry is not configured)."""

    def __init__(self, inner: Reporter, name: str) -> None:
        self._inner = inner
        self._name = name
        self._transaction: sentry_sdk.tracing.Span | None = None
        self._span: sentry_sdk.tracing.Span | None = None

    def step(self, message: str) -> None:
        if self._span is not None:
            self._span.finish()
        if self._transaction is not None:
            self._span = self._transaction.start_child(op="importer.step", name=message)
        self._inner.step(message)

    def info(self, message: str) -> None:
        self._inner.info(message)

    def transfer(self, name: str, done: int, total: int | None) -> None:
        self._inner.transfer(name, done, total)

    def work(self, name: str, done: int, total: int) -> None:
        self._inner.work(name, done, total)

    def __enter__(self) -> TracedReporter:
        transaction = sentry_sdk.start_transaction(
            op="importer.run", name=self._name, source="task"
        )
        self._transaction = transaction.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._span is not None:
            self._span.finish()
        if self._transaction is not None:
            self._transaction.__exit__(exc_type, exc, traceback)
