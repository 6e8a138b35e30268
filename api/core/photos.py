"""Photos pilots upload: checked to be what they claim, re-encoded small and clean.

Only JPEG and PNG are accepted, recognised by their content (and their file name must say
the same); no other image parser of Pillow ever sees the bytes. The image is turned upright
from its EXIF orientation, made to fit 1500 px and encoded again, so nothing of the original
file (EXIF with its GPS position, ICC profile, text chunks, trailing data, a disguised
payload) is kept.

Decoding is bounded before any pixel is read: the declared size is checked first (a PNG of a
few kilobytes may declare billions of pixels), a JPEG is decoded at the smallest DCT scale
that still gives enough pixels for the result, and a PNG, which cannot be decoded at a
smaller scale, is held to fewer pixels. One upload thus needs at most about 250 MB (the
largest PNG; a JPEG about 100 MB), where the largest images Pillow would decode take 1 GB.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import ClassVar

from PIL import Image, ImageOps

from api.core.errors import PirepError, ValidationFailed

MAX_SIDE = 1500
# Larger than any camera's JPEG; decoded at 1/2 to 1/8 scale, so it costs little memory.
MAX_JPEG_PIXELS = 60_000_000
# A PNG is decoded whole, four bytes a pixel: 25 million pixels (a 6K screen) take 100 MB.
MAX_PNG_PIXELS = 25_000_000
FORMATS = {
    "JPEG": ("image/jpeg", ".jpg", {".jpg", ".jpeg"}, MAX_JPEG_PIXELS),
    "PNG": ("image/png", ".png", {".png"}, MAX_PNG_PIXELS),
}
NOT_AN_IMAGE = "The file is not a JPEG or PNG image (other formats, SVG and HTML are not accepted)."


class PhotoTooLarge(PirepError):
    """The upload is over PIREP_MAX_PHOTO_BYTES (answered like the body-size limit)."""

    status_code: ClassVar[int] = 413
    error: ClassVar[str] = "PayloadTooLarge"


@dataclass(frozen=True)
class ProcessedPhoto:
    body: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _refuse(detail: str) -> ValidationFailed:
    return ValidationFailed(detail, fields=[{"field": "file", "message": detail}])


def _open(data: bytes) -> Image.Image:
    """The image's header, read by the JPEG or PNG parser only; no pixel is decoded yet."""
    try:
        return Image.open(io.BytesIO(data), formats=tuple(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("The photo has too many pixels.") from None
    except Exception:  # any parser error: the bytes are not a JPEG or PNG image
        raise _refuse(NOT_AN_IMAGE) from None


def _decode(image: Image.Image) -> Image.Image:
    """The image turned upright and fit to MAX_SIDE, its pixels read at the smallest scale
    that suffices (twice the result, as `Image.thumbnail` would)."""
    width, height = image.size
    scale = 2 * MAX_SIDE / max(width, height)
    if image.format == "JPEG" and scale < 1:
        # The aspect ratio kept, so that a long, thin JPEG is reduced too.
        image.draft(None, (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))))
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode not in ("RGB", "RGBA"):
        transparent = "A" in image.mode or "transparency" in image.info
        if image.mode.startswith("I"):  # 16-bit grey: down to 8 bits first
            image = image.convert("I").point(lambda value: value / 256).convert("L")
        image = image.convert("RGBA" if transparent else "RGB")
    return image


def process(data: bytes, filename: str, max_bytes: int) -> ProcessedPhoto:
    """The upload checked and encoded again, or ValidationFailed (422) saying what is wrong
    with it, or PhotoTooLarge (413)."""
    if not data:
        raise _refuse("The file is empty.")
    if len(data) > max_bytes:
        raise PhotoTooLarge(f"The photo is larger than {max_bytes / 1024 / 1024:.0f} MB.")
    with _open(data) as image:
        kind = image.format or ""
        content_type, extension, extensions, max_pixels = FORMATS[kind]
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if suffix not in extensions:
            raise _refuse(f"The file is a {kind} image but is named {filename!r}.")
        if image.width * image.height > max_pixels:
            raise _refuse(
                f"The photo has too many pixels: at most {max_pixels / 1e6:.0f} million "
                f"for a {kind}."
            )
        if getattr(image, "n_frames", 1) > 1:
            raise _refuse("Animated images are not accepted.")
        try:
            upright = _decode(image)
        except Exception:  # any decoder error: damaged, cut short or crafted
            raise _refuse(f"The {kind} image is damaged or cut short.") from None
    # Pillow writes some of what it read back out (a JPEG's comment, a PNG's ICC profile).
    upright.info.clear()
    buffer = io.BytesIO()
    if kind == "JPEG":
        upright.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    else:
        upright.save(buffer, "PNG", optimize=True)
    return ProcessedPhoto(buffer.getvalue(), content_type, extension, *upright.size)
