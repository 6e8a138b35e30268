"""Photos: re-encoded to fit 1500 px without their metadata; anything else refused."""

from __future__ import annotations

import io
import os
import uuid

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.app import bind_sessions, create_app
from api.core.settings import Settings
from api.state import state_of
from tests.api.conftest import MakePerson, Person
from tests.aws import Aws

URL = "/api/v1/airports/PAE/photos"


def camera_photo() -> bytes:
    """A 3000 × 2000 JPEG as a phone writes it: GPS position in EXIF, turned on its side."""
    image = Image.new("RGB", (3000, 2000), (40, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show it upright
    exif[0x8825] = {1: "N", 2: (47.0, 54.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (64, 32), (255, 0, 0, 128)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_photo_is_stored_upright_small_and_without_its_metadata(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        answer = await http.post(URL, files={"file": ("ramp.JPG", camera_photo(), "image/jpeg")})
    assert answer.status_code == 201, answer.text
    [photo] = (await client.get("/api/v1/airports/PAE")).json()["photos"]
    assert photo["id"] == answer.json()["id"]
    assert (photo["width"], photo["height"]) == (1000, 1500)  # turned upright, then fitted
    served = await client.get(photo["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    stored = Image.open(io.BytesIO(served.content))
    assert stored.size == (1000, 1500)
    assert not stored.getexif()  # no orientation, no GPS position
    points = await connection.scalar(
        sa.text("SELECT points FROM users WHERE id = :id"), {"id": pilot.user_id}
    )
    assert points == 100
    detail = (await client.get("/api/v1/airports/PAE")).json()
    assert "Airport photos" not in detail["completion"]["missing"]


async def test_pngs_keep_their_transparency(app: FastAPI, make_person: MakePerson) -> None:
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        answer = await http.post(URL, files={"file": ("map.png", png(), "image/png")})
    assert answer.status_code == 201


async def test_what_is_not_a_photo_is_refused_and_nothing_is_stored(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, connection: AsyncConnection
) -> None:
    pilot = await make_person("known")
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    cases = {
        "text": ("notes.jpg", b"<script>alert(1)</script>"),
        "gif": ("anim.gif", gif.getvalue()),
        "wrong extension": ("map.jpg", png()),
        "no extension": ("photo", camera_photo()),
        "empty": ("empty.jpg", b""),
        "cut short": ("half.jpg", camera_photo()[:5000]),
    }
    async with pilot.client(app) as http:
        for name, (filename, body) in cases.items():
            answer = await http.post(URL, files={"file": (filename, body, "image/jpeg")})
            assert answer.status_code == 422, name
            assert answer.json()["error"] == "ValidationFailed", name
        huge = await http.post(URL, files={"file": ("big.jpg", os.urandom(6 * 1024 * 1024))})
        missing = await http.post(URL, data={"nothing": "here"})
    assert huge.status_code == 413
    assert missing.status_code == 422
    assert await connection.scalar(sa.text("SELECT count(*) FROM photos")) == 0
    await connection.execute(sa.text("UPDATE airports SET locked_at = now() WHERE code = 'PAE'"))
    async with pilot.client(app) as http:
        locked = await http.post(URL, files={"file": ("ramp.jpg", camera_photo(), "image/jpeg")})
    assert locked.status_code == 403


async def test_a_photo_is_featured_through_an_edit(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        photo_id = (await http.post(URL, files={"file": ("map.png", png(), "image/png")})).json()[
            "id"
        ]
        versions = (await client.get("/api/v1/airports/PAE")).json()["field_versions"]
        other = await http.patch(
            "/api/v1/airports/PAE",
            json={
                "featured_photo_id": {
                    "value": "00000000-0000-0000-0000-000000000000",
                    "base": versions["featured_photo_id"],
                }
            },
        )
        chosen = await http.patch(
            "/api/v1/airports/PAE",
            json={"featured_photo_id": {"value": photo_id, "base": versions["featured_photo_id"]}},
        )
    assert other.status_code == 422
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["featured_photo_id"] == photo_id


async def _upload(app: FastAPI, person: Person) -> str:
    async with person.client(app) as http:
        answer = await http.post(URL, files={"file": ("a.png", png())})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _key(connection: AsyncConnection, photo_id: str) -> str:
    statement = sa.text("SELECT storage_key FROM photos WHERE id = :id")
    return str(await connection.scalar(statement, {"id": photo_id}))


async def test_a_deleted_photo_leaves_storage(
    app: FastAPI, connection: AsyncConnection, make_person: MakePerson
) -> None:
    pilot, admin = await make_person("known"), await make_person("admin")
    photo_id = await _upload(app, pilot)
    stored = state_of(app).settings.storage_root / await _key(connection, photo_id)
    assert stored.is_file()
    async with admin.client(app) as http:
        assert (await http.delete(f"/api/v1/admin/photos/{photo_id}")).status_code == 204
    assert not stored.exists()


async def test_a_deleted_photo_leaves_the_s3_bucket(
    settings: Settings,
    engine: AsyncEngine,
    connection: AsyncConnection,
    make_person: MakePerson,
    aws: Aws,
) -> None:
    bucket = f"photos-{uuid.uuid4().hex[:8]}"
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    in_s3 = settings.model_copy(
        update={"storage_bucket": bucket, "storage_prefix": "content/", "aws_endpoint_url": aws.url}
    )
    app = create_app(in_s3, engine=engine)
    bind_sessions(app, connection, map_follows=False, join_transaction_mode="create_savepoint")
    pilot, admin = await make_person("known"), await make_person("admin")
    kept, deleted = await _upload(app, pilot), await _upload(app, pilot)

    def keys() -> set[str]:
        return {item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}

    assert keys() == {
        "content/" + await _key(connection, kept),
        "content/" + await _key(connection, deleted),
    }
    async with admin.client(app) as http:
        assert (await http.delete(f"/api/v1/admin/photos/{deleted}")).status_code == 204
    assert keys() == {"content/" + await _key(connection, kept)}


async def test_undoing_a_cover_change_to_a_deleted_photo_is_a_clear_409(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot, admin = await make_person("known"), await make_person("admin")
    first, second = await _upload(app, pilot), await _upload(app, pilot)
    # The pilot picks the first as the cover, an admin the second.
    for person, photo_id in ((pilot, first), (admin, second)):
        detail = (await client.get("/api/v1/airports/PAE")).json()
        cover = {"value": photo_id, "base": detail["field_versions"]["featured_photo_id"]}
        async with person.client(app) as http:
            edited = await http.patch("/api/v1/airports/PAE", json={"featured_photo_id": cover})
        assert edited.status_code == 200, edited.text
    history = (await client.get("/api/v1/airports/PAE/history")).json()["items"]
    [to_second] = [
        item for item in history if item["changes"].get("featured_photo_id") == [first, second]
    ]
    async with admin.client(app) as http:
        assert (await http.delete(f"/api/v1/admin/photos/{first}")).status_code == 204
        reverted = await http.post(f"/api/v1/admin/versions/{to_second['id']}/revert")
    assert reverted.status_code == 409, reverted.text
    assert "deleted" in reverted.json()["detail"]
    assert (await client.get("/api/v1/airports/PAE")).json()["featured_photo_id"] == second
