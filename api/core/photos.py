"""Photos pilots upload: checked to be what they claim, re-encoded small and clean.

Only JPEG and PNG are accepted, recognised by their content (and their file name must say
the same); the image is turned upright from its EXIF orientation, made to fit 1500 px and
encoded again, so nothing of the original file (EXIF with its GPS position, trailing data,
a disguised payload) is kept.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from api.core.errors import ValidationFailed

MAX_SIDE = 1500
MAX_PIXELS = 60_000_000  # larger than any camera's; refuses decompression bombs
FORMATS = {
    "JPEG": ("image/jpeg", ".jpg", {".jpg", ".jpeg"}),
    "PNG": ("image/png", ".png", {".png"}),
}


@dataclass(frozen=True)
class ProcessedPhoto:
    body: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _refuse(detail: str) -> ValidationFailed:
    return ValidationFailed(detail, fields=[{"field": "file", "message": detail}])


def process(data: bytes, filename: str, max_bytes: int) -> ProcessedPhoto:
    if not data:
        raise _refuse("The file is empty.")
    if len(data) > max_bytes:
        raise _refuse(f"The photo is larger than {max_bytes / 1024 / 1024:.0f} MB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
        if kind not in FORMATS:
            raise _refuse("Only JPEG and PNG photos are accepted.")
        if width * height > MAX_PIXELS:
            raise _refuse("The photo has too many pixels.")
        content_type, extension, extensions = FORMATS[kind]
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if suffix not in extensions:
            raise _refuse(f"The file is a {kind} image but is named {filename!r}.")
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise _refuse("The file is not a readable JPEG or PNG image.") from None
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if kind == "JPEG":
        upright.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    else:
        keep = "RGBA" if upright.mode in ("RGBA", "LA", "P") else "RGB"
        upright.convert(keep).save(buffer, "PNG", optimize=True)
    return ProcessedPhoto(buffer.getvalue(), content_type, extension, *upright.size)
