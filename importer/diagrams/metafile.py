"""The d-TPP metafile: which PDF is each airport's diagram.

The metafile lists every procedure of every US airport (tens of megabytes): it is read as a
stream and only the airport diagram records (``chart_code`` APD) are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from importer.parse.csvfile import DataFileError

PDF_NAME = re.compile(r"^[A-Z0-9_-]{1,40}\.PDF$", re.IGNORECASE)


@dataclass(frozen=True)
class Metafile:
    cycle: str  # the YYNN number it says it is
    diagrams: dict[str, str]  # FAA code → PDF name, e.g. PAE → 00142AD.PDF


def read_metafile(path: Path) -> Metafile:
    """The airport diagrams listed in a d-TPP metafile (deleted records left out)."""
    cycle = ""
    diagrams: dict[str, str] = {}
    try:
        for event, element in iterparse(path, events=("start", "end")):
            if event == "start":
                if element.tag == "digital_tpp":
                    cycle = element.get("cycle", "")
                continue
            if element.tag != "airport_name":
                continue
            code = (element.get("apt_ident") or "").strip().upper()
            for record in element.iter("record"):
                if (record.findtext("chart_code") or "").strip() != "APD":
                    continue
                if (record.findtext("useraction") or "").strip().upper() == "D":
                    continue
                pdf = (record.findtext("pdf_name") or "").strip()
                if code and PDF_NAME.match(pdf):
                    diagrams.setdefault(code, pdf.upper())
            element.clear()  # keep memory flat: the document is large
    except ParseError as error:
        line, column = error.position
        raise DataFileError(
            f"{path.name} line {line}, column {column}: not well-formed XML ({error.msg})."
        ) from error
    except DefusedXmlException as error:
        raise DataFileError(f"{path.name}: {_refusal(error)}; refused.") from None
    if not cycle:
        raise DataFileError(f"{path.name} is not a d-TPP metafile (no digital_tpp cycle).")
    return Metafile(cycle, diagrams)


def _refusal(error: DefusedXmlException) -> str:
    """What defusedxml stopped, in words: a metafile has no business declaring entities."""
    if isinstance(error, EntitiesForbidden):
        source = f" from {error.sysid}" if error.sysid else ""
        return f"it declares the XML entity {error.name!r}{source}, which is never expanded"
    if isinstance(error, ExternalReferenceForbidden):
        return f"it refers to the external resource {error.sysid}, which is never fetched"
    return f"it uses an XML feature the importer does not read ({error})"


def png_name(pdf_name: str) -> str:
    """The stored name of a diagram: ``00142AD.PDF`` → ``00142AD.png``."""
    return pdf_name.rsplit(".", 1)[0] + ".png"
