"""Where files for readers go (tiles, diagrams, photos): a local directory, or an S3 bucket.

A sink is a small picklable description; worker processes open their own clients from it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from api.core.aws import aws_client
from api.core.errors import PirepError
from api.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

logger = logging.getLogger("api.storage")

CONTENT_TYPES = {
    ".webp": "image/webp",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".zip": "application/zip",
    ".pmtiles": "application/vnd.pmtiles",
    ".mbtiles": "application/vnd.sqlite3",
    ".gpkg": "application/geopackage+sqlite3",
    ".geojson": "application/geo+json",
}
# Stored files whose bytes are compressed already (never compressed again on the way out).
STORED_BINARY_TYPES = tuple(
    kind for suffix, kind in CONTENT_TYPES.items() if suffix not in (".json", ".geojson")
)
# Every stored key carries its cycle, so its bytes never change: cache it for good.
IMMUTABLE = "public, max-age=31536000, immutable"


class StorageFailed(PirepError):
    """Files could not be written where readers get them."""

    status_code = 502
    error = "StorageFailed"


def content_type(key: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(key)[1].lower(), "application/octet-stream")


class Sink(Protocol):
    def put(self, key: str, body: bytes) -> None:
        """Store ``body`` under ``key`` (replacing what was there)."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under ``key``, or None."""
        ...

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Store several files (concurrently where that helps)."""
        ...

    def put_file(self, key: str, path: Path) -> None:
        """Store the file at ``path`` under ``key``, however large (in parts on S3)."""
        ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """The file under ``key`` on the local disk while the context lasts (downloaded from
        S3 into a temporary directory); ``StorageFailed`` when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove a file (nothing happens if it is not there)."""
        ...

    def describe(self) -> str:
        """Where the files go, for messages."""
        ...


@dataclass(frozen=True)
class LocalSink:
    """Files under a directory (the embedded default and tests). Each file is written to a
    temporary name and renamed, so a reader or a crash never sees half a file."""

    root: Path

    def path(self, key: str) -> Path:
        parts = key.split("/")
        if key.startswith("/") or ".." in parts or "" in parts:
            raise ValueError(f"{key!r} is not a storage key")
        return self.root / key

    def put(self, key: str, body: bytes) -> None:
        path = self.path(key)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            try:
                partial.write_bytes(body)
            except FileNotFoundError:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial.write_bytes(body)
            os.replace(partial, path)
        except OSError as error:
            raise StorageFailed(f"Could not write {path}: {error.strerror or error}.") from error

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        for key, body in items:
            self.put(key, body)

    def put_file(self, key: str, path: Path) -> None:
        target = self.path(key)
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, partial)
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise StorageFailed(f"Could not write {target}: {error.strerror or error}.") from error

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise StorageFailed(f"There is no {path}.")
        yield path

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError as error:
            raise StorageFailed(f"Could not delete {key}: {error.strerror or error}.") from error

    def describe(self) -> str:
        return str(self.root)


@dataclass(frozen=True)
class S3Sink:
    """Objects in an S3 bucket under ``prefix``, with their content type and cache headers.
    Failed uploads are retried with backoff before the import fails."""

    bucket: str
    prefix: str = ""
    region: str = "us-west-2"
    profile: str | None = None
    endpoint_url: str | None = None
    timeout_seconds: float = 30.0
    attempts: int = 5
    backoff_seconds: float = 0.4
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "_local"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_local", threading.local())

    @property
    def client(self) -> S3Client:
        """One client per thread (boto3 clients are not shared across processes)."""
        client: S3Client | None = getattr(self._local, "client", None)
        if client is None:
            # put() retries with its own backoff; botocore tries twice per round.
            client = aws_client(
                "s3",
                region=self.region,
                profile=self.profile,
                endpoint_url=self.endpoint_url,
                timeout_seconds=self.timeout_seconds,
                attempts=2,
                pool_connections=32,
            )
            self._local.client = client
        return client

    def put(self, key: str, body: bytes) -> None:
        self._retried(key, lambda: self._send(key, body))

    def _retried(self, key: str, upload: Callable[[], None]) -> None:
        """``upload`` of ``key``, tried again with growing waits before the import fails."""
        from boto3.exceptions import S3UploadFailedError
        from botocore.exceptions import BotoCoreError, ClientError

        for attempt in range(1, self.attempts + 1):
            try:
                upload()
                return
            except (BotoCoreError, ClientError, S3UploadFailedError) as error:
                if attempt == self.attempts:
                    raise StorageFailed(
                        f"Could not upload {key} to s3://{self.bucket}/{self.prefix} after "
                        f"{attempt} attempts: {error}."
                    ) from error
                logger.warning("Upload of %s failed (%s); retrying", key, error)
                time.sleep(min(self.backoff_seconds * 2 ** (attempt - 1), 10.0))

    def _send(self, key: str, body: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.prefix + key,
            Body=body,
            ContentType=content_type(key),
            CacheControl=IMMUTABLE,
            ContentMD5=_md5_base64(body),
        )

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        if len(items) <= 1:
            for key, body in items:
                self.put(key, body)
            return
        with ThreadPoolExecutor(max_workers=min(16, len(items))) as pool:
            for _ in pool.map(lambda item: self.put(*item), items):
                pass

    def put_file(self, key: str, path: Path) -> None:
        """One multipart upload of parts of 64 MB, eight at a time; a failed part is retried
        by boto3, a failed upload from the start (S3 drops the parts of an upload that failed)."""
        from boto3.s3.transfer import TransferConfig

        config = TransferConfig(
            multipart_threshold=64 << 20, multipart_chunksize=64 << 20, max_concurrency=8
        )
        extra = {"ContentType": content_type(key), "CacheControl": IMMUTABLE}
        self._retried(
            key,
            lambda: self.client.upload_file(
                str(path), self.bucket, self.prefix + key, ExtraArgs=extra, Config=config
            ),
        )

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        from boto3.exceptions import S3TransferFailedError
        from botocore.exceptions import BotoCoreError, ClientError

        with tempfile.TemporaryDirectory(prefix="pirep-copy-") as directory:
            path = Path(directory) / key.rsplit("/", 1)[-1]
            try:
                self.client.download_file(self.bucket, self.prefix + key, str(path))
            except (BotoCoreError, ClientError, S3TransferFailedError) as error:
                raise StorageFailed(
                    f"Could not download s3://{self.bucket}/{self.prefix}{key}: {error}."
                ) from error
            yield path

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StorageFailed(f"Could not read s3://{self.bucket}/{key}: {error}.") from error
        body: bytes = answer["Body"].read()
        return body

    def version(self, key: str) -> str | None:
        """The object's ETag (it changes with its content); None when there is none."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StorageFailed(f"Could not look at s3://{self.bucket}/{key}: {error}.") from error
        except BotoCoreError as error:
            raise StorageFailed(f"Could not look at s3://{self.bucket}/{key}: {error}.") from error
        return str(answer["ETag"])

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)
        except (BotoCoreError, ClientError) as error:
            raise StorageFailed(f"Could not delete s3://{self.bucket}/{key}: {error}.") from error

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def _md5_base64(body: bytes) -> str:
    import base64

    return base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def sink_from_settings(settings: Settings) -> Sink:
    """The S3 bucket of ``PIREP_STORAGE_BUCKET``, else the local storage directory."""
    if settings.storage_bucket:
        return S3Sink(
            bucket=settings.storage_bucket,
            prefix=settings.storage_prefix,
            region=settings.aws_region,
            profile=settings.aws_profile,
            endpoint_url=settings.aws_endpoint_url,
            timeout_seconds=settings.aws_timeout_seconds * 3,
        )
    return LocalSink(settings.storage_root)


async def delete_files(sink: Sink, keys: Iterable[str], what: str = "file") -> None:
    """Delete files no row names any more; a failure is logged (the file is then only
    unreachable, and costs its storage)."""
    for key in keys:
        try:
            await asyncio.to_thread(sink.delete, key)
        except StorageFailed:
            logger.exception("The %s %s stays in storage.", what, key)
