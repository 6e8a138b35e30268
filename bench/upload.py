"""Benchmark: storing a chart layer in S3, one object per tile (before) against one PMTiles
archive (now), on a local S3 (moto's server, in a process of its own).

The tiles are those of the sectional-sized chart of ``bench.tiles`` (z0-12). Before: each tile
put as its own object, 16 at a time (the importer's writers). Now: the layer's archive in one
multipart upload (64 MB parts, 8 at a time), as ``S3Sink.put_file`` does. Printed: objects,
seconds and MB/s of each, their ratio, and the objects of a whole cycle both ways.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import httpx
from pmtiles.reader import MmapSource, all_tiles

from api.core.embedded_pg import find_free_port
from api.core.storage import S3Sink
from bench.tiles import MAX_ZOOM, MIN_ZOOM, PROCESSES, QUALITY, make_chart
from importer.charts.tiler import ChartSource, TileOptions, tile_layer

BUCKET = "pirep-bench"
# A whole cycle as the catalogue has it: 60 sectional pieces and 34 terminal area charts (about
# 650,000 tiles one by one), two layers (an archive and its manifest each), and each chart's
# offline pack (its tiles as MBTiles and PMTiles once a cycle; its airports and diagrams
# nightly).
CYCLE_TILES = 650_000
CYCLE_LAYERS = 2
CYCLE_CHARTS = 94


def moto_server(port: int) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1).raise_for_status()
            return server
        except httpx.HTTPError:
            time.sleep(0.05)
    server.kill()
    sys.exit("moto's server did not start")


def main() -> None:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    port = find_free_port()
    server = moto_server(port)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory(prefix="pirep-bench-upload-") as directory:
            root = Path(directory)
            print("Tiling a sectional-sized chart …", flush=True)
            make_chart(root / "chart.tif")
            archive = root / "sectional.pmtiles"
            options = TileOptions(MIN_ZOOM, MAX_ZOOM, quality=QUALITY, processes=PROCESSES)
            tile_layer([ChartSource("bench", str(root / "chart.tif"))], archive, options)
            with archive.open("rb") as handle:
                tiles = [
                    (f"tiles/c/sectional/{z}/{x}/{y}.webp", body)
                    for (z, x, y), body in all_tiles(MmapSource(handle))
                ]
            s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-west-2")
            s3.create_bucket(
                Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
            )
            sink = S3Sink(BUCKET, "before/", endpoint_url=endpoint)
            print(f"Putting {len(tiles):,} tiles one by one …", flush=True)
            started = time.perf_counter()
            sink.put_many(tiles)
            before = time.perf_counter() - started
            sink = S3Sink(BUCKET, "after/", endpoint_url=endpoint)
            print("Uploading the archive …", flush=True)
            started = time.perf_counter()
            sink.put_file("tiles/c/sectional.pmtiles", archive)
            after = time.perf_counter() - started
            listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="after/")["KeyCount"]
            tile_bytes = sum(len(body) for _, body in tiles)
            archive_bytes = archive.stat().st_size
    finally:
        server.terminate()
        server.wait()

    print()
    print(f"One chart layer of {len(tiles):,} tiles (z{MIN_ZOOM}-{MAX_ZOOM}) into moto's S3")
    print(f"{'':<28}{'objects':>9}{'seconds':>9}{'MB':>8}{'MB/s':>8}")
    for label, objects, seconds, size in (
        ("a file per tile (before)", len(tiles), before, tile_bytes),
        ("one PMTiles archive (now)", listed, after, archive_bytes),
    ):
        print(
            f"{label:<28}{objects:>9,}{seconds:>9.1f}{size / 1e6:>8.1f}{size / 1e6 / seconds:>8.1f}"
        )
    print(f"upload time: {before / after:.0f}× less with the archive")
    print(
        f"a whole cycle: about {CYCLE_TILES:,} objects before; now {CYCLE_LAYERS * 2} for the "
        f"chart layers (an archive and its manifest each; target ≤ 100), plus "
        f"{CYCLE_CHARTS * 2} offline pack tile files (MBTiles and PMTiles of each chart) and "
        f"at most {CYCLE_CHARTS * 2} airports and diagrams files a night"
    )


if __name__ == "__main__":
    main()
