"""Airport diagrams: the d-TPP metafile, rendering, and the diagrams product of a run."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image

from api.core.cycles import Product
from api.core.errors import PirepError
from importer.diagrams.metafile import read_metafile
from importer.diagrams.render import RenderFailed, render
from importer.parse.csvfile import DataFileError
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from tests.importer.test_run import query
from tests.local_http import Handler, local_server

FIXTURE = Path(__file__).parents[1] / "fixtures" / "airport_diagrams.zip"
DIAGRAMS_CYCLE = date(2020, 11, 5)  # d-TPP cycle 2012 of the fixture
AIRPORTS_CYCLE = date(2022, 10, 6)


def fixture_file(name: str) -> bytes:
    with zipfile.ZipFile(FIXTURE) as archive:
        return archive.read(name)


@pytest.fixture
def dtpp_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "dtpp"
    directory.mkdir()
    with zipfile.ZipFile(FIXTURE) as archive:
        archive.extractall(directory)
    return directory


def test_the_metafile_gives_each_airports_diagram(dtpp_dir: Path) -> None:
    metafile = read_metafile(dtpp_dir / "d-TPP_Metafile.xml")
    assert metafile.cycle == "2012"
    assert metafile.diagrams == {"PAE": "00142AD.PDF"}


def test_deleted_diagram_records_are_left_out(tmp_path: Path) -> None:
    text = fixture_file("d-TPP_Metafile.xml").decode()
    deleted = re.sub(
        r"<useraction>C</useraction>(\s*<pdf_name>00142AD\.PDF)",
        r"<useraction>D</useraction>\1",
        text,
    )
    assert deleted != text
    path = tmp_path / "d-TPP_Metafile.xml"
    path.write_text(deleted)
    assert read_metafile(path).diagrams == {}


def test_a_malformed_metafile_is_located(tmp_path: Path) -> None:
    path = tmp_path / "d-TPP_Metafile.xml"
    path.write_bytes(fixture_file("d-TPP_Metafile.xml")[:3000] + b"<broken")
    with pytest.raises(DataFileError, match=r"d-TPP_Metafile\.xml line \d+, column \d+: not well"):
        read_metafile(path)


def test_a_diagram_is_rendered_to_fit_1000_by_1500_and_twice_that() -> None:
    rendered = render(fixture_file("00142AD.PDF"), "00142AD.PDF")
    small = Image.open(io.BytesIO(rendered.png))
    large = Image.open(io.BytesIO(rendered.png_2x))
    assert small.format == large.format == "PNG"
    assert small.size[1] == 1500
    assert small.size[0] <= 1000
    assert large.size == (small.size[0] * 2, 3000) or abs(large.size[0] - 2 * small.size[0]) <= 1
    # A diagram is mostly white paper with black lines.
    colours = small.convert("L").getextrema()
    assert colours == (0, 255)


def test_a_broken_pdf_is_refused_by_name() -> None:
    with pytest.raises(RenderFailed, match=r"00999AD\.PDF is not a readable PDF"):
        render(b"%PDF-1.4 truncated", "00999AD.PDF")


class Aeronav(Handler):
    """Serves the fixture like aeronav.faa.gov/d-tpp/<cycle>/…, and remembers the requests."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Aeronav.requests.append(self.path)
        names = {
            "/d-tpp/2012/xml_data/d-TPP_Metafile.xml": "d-TPP_Metafile.xml",
            "/d-tpp/2012/00142AD.PDF": "00142AD.PDF",
        }
        if self.path not in names:
            self.send_error(404)
            return
        body = fixture_file(names[self.path])
        self.send_body(body)


@pytest.fixture
def aeronav() -> Iterator[str]:
    Aeronav.requests = []
    with local_server(Aeronav) as base:
        yield f"{base}/d-tpp"


@pytest.fixture
def with_pae(fresh_database: str, settings_for: Any, source_dir: Path, tmp_path: Path) -> Any:
    """A database holding PAE, and settings storing files in the test's directory."""
    settings = settings_for(fresh_database, storage_dir=tmp_path / "storage", tile_processes=1)
    options = RunOptions(
        products=(Product.AIRPORTS,), source_dir=source_dir, cycle=AIRPORTS_CYCLE, force=True
    )
    return settings, options


async def test_diagrams_are_fetched_one_by_one_rendered_stored_and_activated(
    with_pae: Any, aeronav: str
) -> None:
    settings, airports = with_pae
    await run_import(settings, airports, PlainReporter())
    settings = settings.model_copy(update={"dtpp_base_url": aeronav})
    options = RunOptions(products=(Product.DIAGRAMS,), cycle=DIAGRAMS_CYCLE, force=True)

    result = await run_import(settings, options, PlainReporter())

    assert result.counts["diagrams"] == {
        "airports": 1,
        "pdfs": 1,
        "rendered": 1,
        "reused": 0,
        "airports_with_diagram": 1,
    }
    # Only the metafile and the one PDF: no bulk volume.
    assert sorted(Aeronav.requests) == [
        "/d-tpp/2012/00142AD.PDF",
        "/d-tpp/2012/xml_data/d-TPP_Metafile.xml",
    ]
    stored = settings.storage_root / "diagrams" / "2020-11-05"
    assert {path.name for path in stored.iterdir()} == {
        "00142AD.png",
        "00142AD@2x.png",
        "00142AD.pdf",
        "manifest.json",
    }
    assert (stored / "00142AD.pdf").read_bytes() == fixture_file("00142AD.PDF")
    url = settings.database_url
    assert await query(url, "SELECT diagram FROM airports WHERE code = 'PAE'") == [("00142AD.png",)]
    assert await query(url, "SELECT cycle FROM faa_data_cycles WHERE product = 'diagrams'") == [
        (DIAGRAMS_CYCLE,)
    ]
    # The change feed names the airport whose diagram changed (its address names the cycle).
    assert await query(
        url, "SELECT airport_code, kind, fields FROM data_changes WHERE 'diagram' = ANY(fields)"
    ) == [("PAE", "import", ["diagram"])]

    again = await run_import(settings, options, PlainReporter())
    assert (again.counts["diagrams"]["rendered"], again.counts["diagrams"]["reused"]) == (0, 1)


@pytest.mark.parametrize("fault", ["broken pdf", "missing pdf", "wrong cycle"])
async def test_a_bad_diagram_source_changes_nothing(
    with_pae: Any, dtpp_dir: Path, fault: str
) -> None:
    settings, airports = with_pae
    await run_import(settings, airports, PlainReporter())
    good = RunOptions(
        products=(Product.DIAGRAMS,), source_dir=dtpp_dir, cycle=DIAGRAMS_CYCLE, force=True
    )
    await run_import(settings, good, PlainReporter())
    metafile = dtpp_dir / "d-TPP_Metafile.xml"
    if fault != "wrong cycle":  # the next cycle's metafile, with a fault elsewhere
        metafile.write_text(metafile.read_text().replace('cycle="2012"', 'cycle="2013"'))
    if fault == "broken pdf":
        (dtpp_dir / "00142AD.PDF").write_bytes(b"%PDF-1.4 nothing more")
        expected = "00142AD.PDF is not a readable PDF"
    elif fault == "missing pdf":
        (dtpp_dir / "00142AD.PDF").unlink()
        expected = "The source file 00142AD.PDF is missing from"
    else:
        expected = "The d-TPP metafile is of cycle 2012, not 2013 as expected."
    next_cycle = date(2020, 12, 3)
    options = RunOptions(
        products=(Product.DIAGRAMS,), source_dir=dtpp_dir, cycle=next_cycle, force=True
    )
    with pytest.raises(PirepError) as raised:
        await run_import(settings, options, PlainReporter())
    assert expected in raised.value.detail
    url = settings.database_url
    assert await query(url, "SELECT cycle FROM faa_data_cycles WHERE product = 'diagrams'") == [
        (DIAGRAMS_CYCLE,)
    ]
    assert await query(url, "SELECT diagram FROM airports WHERE code = 'PAE'") == [("00142AD.png",)]
