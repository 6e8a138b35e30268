"""`pirep s3-sync`: copy the airport photos from the storage bucket to a local directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PHOTOS = "photos/"


@dataclass(frozen=True, slots=True)
class Photo:
    key: str
    size: int
    target: Path


@dataclass(frozen=True, slots=True)
class SyncPlan:
    copy: list[Photo]
    skip: list[Photo]

    @property
    def bytes_to_copy(self) -> int:
        return sum(photo.size for photo in self.copy)


def plan(s3: S3Client, bucket: str, prefix: str, destination: Path) -> SyncPlan:
    """The photos under ``{prefix}photos/`` to copy to ``destination``, and those already
    there with the same size."""
    below = f"{prefix}{PHOTOS}"
    copy: list[Photo] = []
    skip: list[Photo] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=below):
        for item in page.get("Contents", []):
            relative = PurePosixPath(item["Key"][len(below) :])
            if item["Key"].endswith("/") or relative.is_absolute() or ".." in relative.parts:
                continue  # a folder marker, or a key that would land outside the destination
            photo = Photo(item["Key"], item.get("Size", 0), destination.joinpath(*relative.parts))
            present = photo.target.is_file() and photo.target.stat().st_size == photo.size
            (skip if present else copy).append(photo)
    return SyncPlan(copy, skip)
