"""The diagrams product of a cycle: the d-TPP metafile, each airport diagram's PDF fetched on
its own (not the 4.7 GB of bulk volumes), rendered to PNG and stored with the PDF under
``diagrams/<cycle>/``. Readers see them once the cycle is activated with the airports'
``diagram`` names."""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from api.core.cycles import cycle_number
from api.core.errors import PirepError
from api.core.settings import Settings
from api.core.storage import Sink
from importer.diagrams.metafile import png_name, read_metafile
from importer.diagrams.render import RenderFailed, render
from importer.progress import Reporter
from importer.sources.download import Downloader, local_source

METAFILE = "d-TPP_Metafile.xml"
Update = Callable[..., Awaitable[None]]


class DiagramsFailed(PirepError):
    status_code = 422
    error = "DiagramsFailed"


@dataclass
class DiagramsOutcome:
    diagrams: dict[str, str] = field(default_factory=dict)  # FAA code → stored PNG name
    counts: dict[str, Any] = field(default_factory=dict)


def _render_and_store(sink: Sink, prefix: str, pdf_path: str, pdf_name: str) -> str:
    pdf = Path(pdf_path).read_bytes()
    rendered = render(pdf, pdf_name)
    stem = pdf_name.rsplit(".", 1)[0]
    sink.put_many(
        [
            (f"{prefix}/{stem}.png", rendered.png),
            (f"{prefix}/{stem}@2x.png", rendered.png_2x),
            (f"{prefix}/{stem}.pdf", pdf),
        ]
    )
    return hashlib.sha256(pdf).hexdigest()


async def build_diagrams(
    settings: Settings,
    cycle: date,
    sink: Sink,
    *,
    source_dir: Path | None,
    dry_run: bool,
    reporter: Reporter,
    update: Update,
) -> DiagramsOutcome:
    number = cycle_number(cycle)
    base = f"{settings.dtpp_base_url}/{number}"
    reporter.step(f"Fetching the d-TPP metafile of cycle {number}")
    await update(progress={"step": "fetching the d-TPP metafile"})
    downloader = Downloader(
        settings.cache_dir / "dtpp" / number,
        timeout=settings.http_timeout_seconds,
        retries=settings.http_retries,
        on_progress=reporter.transfer,
    )

    async def fetch(name: str, url: str) -> Path:
        if source_dir is not None:
            return await asyncio.to_thread(local_source, source_dir, name)
        return await downloader.fetch(url, name)

    metafile = await asyncio.to_thread(
        read_metafile, await fetch(METAFILE, f"{base}/xml_data/{METAFILE}")
    )
    if metafile.cycle != number:
        raise DiagramsFailed(
            f"The d-TPP metafile is of cycle {metafile.cycle}, not {number} as expected."
        )
    outcome = DiagramsOutcome(
        diagrams={code: png_name(pdf) for code, pdf in metafile.diagrams.items()}
    )
    pdfs = sorted(set(metafile.diagrams.values()))
    outcome.counts = {"airports": len(metafile.diagrams), "pdfs": len(pdfs)}
    if dry_run:
        return outcome

    prefix = f"diagrams/{cycle.isoformat()}"
    previous = await asyncio.to_thread(sink.get, f"{prefix}/manifest.json")
    done: dict[str, str] = json.loads(previous)["pdfs"] if previous else {}
    reporter.step(f"Fetching and rendering {len(pdfs):,} airport diagrams")
    limit = asyncio.Semaphore(8)

    async def fetch_pdf(name: str) -> Path:
        async with limit:
            return await fetch(name, f"{base}/{name}")

    paths = await asyncio.gather(*(fetch_pdf(name) for name in pdfs))
    context = multiprocessing.get_context("forkserver")
    rendered: dict[str, str] = {}
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(settings.tile_processes, mp_context=context) as pool:
        futures = {}
        for name, path in zip(pdfs, paths, strict=True):
            digest = await asyncio.to_thread(_sha256, path)
            if done.get(name) == digest:
                rendered[name] = digest  # rendered by an earlier run of this cycle
                continue
            futures[name] = loop.run_in_executor(
                pool, _render_and_store, sink, prefix, str(path), name
            )
        for count, (name, future) in enumerate(futures.items(), start=1):
            try:
                rendered[name] = await future
            except RenderFailed as error:
                raise DiagramsFailed(str(error)) from None
            except OSError as error:
                raise DiagramsFailed(
                    f"Storing the diagram {name} failed: {error.strerror or error}."
                ) from None
            reporter.work("Rendering diagrams", count, len(futures))
            if count % 50 == 0 or count == len(futures):
                await update(
                    progress={"step": "rendering diagrams", "done": count, "total": len(futures)}
                )
    manifest = json.dumps({"pdfs": rendered}).encode()
    await asyncio.to_thread(sink.put, f"{prefix}/manifest.json", manifest)
    outcome.counts["rendered"] = len(futures)
    outcome.counts["reused"] = len(pdfs) - len(futures)
    return outcome


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
