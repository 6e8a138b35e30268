"""Airport diagram PDFs to PNG images: one fitting 1000 × 1500 px, and one twice as large."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2

FIT = (1000, 1500)


@dataclass(frozen=True)
class Rendered:
    png: bytes
    png_2x: bytes


class RenderFailed(Exception):
    """The PDF could not be rendered (corrupt, empty, encrypted)."""


def render(pdf: bytes, name: str) -> Rendered:
    """The first page of ``pdf`` as PNG, fitted into ``FIT`` and into twice ``FIT``."""
    try:
        document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError as error:
        raise RenderFailed(f"{name} is not a readable PDF ({error}).") from error
    try:
        if len(document) == 0:
            raise RenderFailed(f"{name} has no page.")
        page = document[0]
        width, height = page.get_size()
        scale = min(FIT[0] / width, FIT[1] / height)
        images = []
        for factor in (1, 2):
            bitmap = page.render(scale=scale * factor, may_draw_forms=False)
            image = bitmap.to_pil().convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=False)
            images.append(buffer.getvalue())
        return Rendered(images[0], images[1])
    finally:
        document.close()
