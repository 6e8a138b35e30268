"""Events: local times across daylight saving, recurrence, iCalendar, the events tag."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from api.core.changes import ChangeKind, record_changes
from tests.api.conftest import MakePerson

URL = "/api/v1/airports/PAE/events"
PACIFIC = ZoneInfo("America/Los_Angeles")


def next_year_february() -> int:
    return datetime.now(PACIFIC).year + 1


async def test_a_monthly_fly_in_keeps_its_local_time_across_daylight_saving(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    year = next_year_february()
    # The second Saturday of February, 09:00 to 12:00: before the switch to summer time.
    first = datetime(year, 2, 1)
    second_saturday = first + timedelta(days=(5 - first.weekday()) % 7 + 7)
    body = {
        "name": "Pancake fly-in",
        "description": "**Free** pancakes",
        "starts_at": second_saturday.replace(hour=9).isoformat(),
        "ends_at": second_saturday.replace(hour=12).isoformat(),
        "recurrence": {"cadence": "monthly", "week_of_month": 2},
        "timezone": "America/Los_Angeles",
    }
    async with pilot.client(app) as http:
        created = await http.post(URL, json=body)
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["html"] == "<p><strong>Free</strong> pancakes</p>\n"
    starts = [datetime.fromisoformat(o["starts_at"]).astimezone(PACIFIC) for o in event["next"]]
    assert len(starts) == 5
    assert {start.hour for start in starts} == {9}  # 09:00 local, summer time or not
    assert {start.weekday() for start in starts} == {5}
    assert all(8 <= start.day <= 14 for start in starts)
    assert starts[0].utcoffset() != starts[-1].utcoffset()  # it crosses the March change

    listed = (await client.get(URL)).json()
    assert [e["name"] for e in listed] == ["Pancake fly-in"]
    assert "events" in (await client.get("/api/v1/airports/PAE")).json()["tags"]
    ics = await client.get(f"{URL}.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    text = ics.text
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:America/Los_Angeles" in text
    assert "RRULE:FREQ=MONTHLY;BYDAY=+2SA" in text or "RRULE:FREQ=MONTHLY;BYDAY=2SA" in text
    assert "SUMMARY:Pancake fly-in" in text

    async with pilot.client(app) as http:
        assert (await http.delete(f"{URL}/{event['id']}")).status_code == 204
    assert (await client.get(URL)).json() == []
    assert "events" not in (await client.get("/api/v1/airports/PAE")).json()["tags"]


async def test_a_past_one_off_event_is_not_upcoming(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    async with pilot.client(app) as http:
        answer = await http.post(
            URL,
            json={
                "name": "Last year's breakfast",
                "starts_at": "2020-06-06T08:00:00",
                "ends_at": "2020-06-06T11:00:00",
                "timezone": "America/Los_Angeles",
            },
        )
    assert answer.status_code == 201
    assert answer.json()["next"] == []
    assert (await client.get(URL)).json() == []


@pytest.mark.parametrize(
    "change",
    [
        {"ends_at": "2030-06-06T07:00:00"},
        {"starts_at": "2030-06-06T08:00:00+02:00"},
        {"recurrence": {"cadence": "weekly", "day_of_month": 3}},
        {"recurrence": {"cadence": "monthly", "day_of_month": 3, "week_of_month": 1}},
        {"recurrence": {"cadence": "daily", "interval": 0}},
        {"recurrence": {"cadence": "hourly"}},
        {"timezone": "Mars/Olympus_Mons"},
        {"url": "javascript:alert(1)"},
        {"ends_at": "2030-07-06T11:00:00"},
    ],
    ids=[
        "ends before it starts",
        "an offset",
        "day of month weekly",
        "day and week of month",
        "interval 0",
        "hourly",
        "no such time zone",
        "a script URL",
        "a month long",
    ],
)
async def test_events_that_make_no_sense_are_refused(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, change: dict[str, Any]
) -> None:
    pilot = await make_person("known")
    body = {
        "name": "Fly-in",
        "starts_at": "2030-06-06T08:00:00",
        "ends_at": "2030-06-06T11:00:00",
        "timezone": "America/Los_Angeles",
    } | change
    async with pilot.client(app) as http:
        answer = await http.post(URL, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "ValidationFailed"
    assert (await client.get(URL)).json() == []


async def test_events_near_a_point_within_reach(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    soon = datetime.now(PACIFIC).replace(tzinfo=None, microsecond=0) + timedelta(days=3)
    async with pilot.client(app) as http:
        for code in ("PAE", "BFI"):
            answer = await http.post(
                f"/api/v1/airports/{code}/events",
                json={
                    "name": f"{code} open house",
                    "starts_at": soon.isoformat(),
                    "ends_at": (soon + timedelta(hours=4)).isoformat(),
                    "timezone": "America/Los_Angeles",
                },
            )
            assert answer.status_code == 201
    # Everett (near PAE): PAE is 3.5 NM away, BFI about 22 NM.
    here = "/api/v1/events?lat=47.98&lon=-122.2"
    close = (await client.get(f"{here}&within_nm=10")).json()
    wider = (await client.get(f"{here}&within_nm=40")).json()
    default = (await client.get(here)).json()
    later = await client.get(f"{here}&within_nm=40&days=1")
    assert [event["airport_code"] for event in close] == ["PAE"]
    assert sorted(event["airport_code"] for event in wider) == ["BFI", "PAE"]
    assert default == wider
    assert later.json() == []
    # Statute miles, as before: 20 statute miles are 17.4 NM, short of BFI.
    statute = (await client.get(f"{here}&within_miles=20")).json()
    assert [event["airport_code"] for event in statute] == ["PAE"]
    assert (await client.get("/api/v1/events?lat=95&lon=0")).status_code == 422
    both = await client.get(f"{here}&within_nm=10&within_miles=10")
    assert both.status_code == 422
    assert both.json()["fields"][0]["field"] == "within_miles"


async def test_admins_revert_event_and_webcam_changes(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot, admin = await make_person("known"), await make_person("admin")
    soon = datetime.now(PACIFIC).replace(tzinfo=None, microsecond=0) + timedelta(days=5)
    async with pilot.client(app) as http:
        event = (
            await http.post(
                URL,
                json={
                    "name": "Chili cook-off",
                    "starts_at": soon.isoformat(),
                    "ends_at": (soon + timedelta(hours=3)).isoformat(),
                    "recurrence": {"cadence": "yearly"},
                    "timezone": "America/Los_Angeles",
                },
            )
        ).json()
        assert (await http.delete(f"{URL}/{event['id']}")).status_code == 204
        cam = "https://cams.example.com/ramp.jpg"
        assert (
            await http.post("/api/v1/airports/PAE/webcams", json={"url": cam})
        ).status_code == 204
    history = (await client.get("/api/v1/airports/PAE/history")).json()["items"]
    by_kind = {(e["item_type"], e["event"]): e["id"] for e in history}
    async with admin.client(app) as http:
        back = await http.post(f"/api/v1/admin/versions/{by_kind[('event', 'destroy')]}/revert")
        gone = await http.post(f"/api/v1/admin/versions/{by_kind[('webcam', 'create')]}/revert")
    assert (back.status_code, gone.status_code) == (201, 201)
    [restored] = (await client.get(URL)).json()
    assert (restored["id"], restored["name"]) == (event["id"], "Chili cook-off")
    assert restored["recurrence"]["cadence"] == "yearly"
    assert (await client.get("/api/v1/airports/PAE")).json()["webcams"] == []


async def test_an_edited_event_is_replaced_and_an_admin_can_revert_the_edit(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot, other, admin = (
        await make_person("known"),
        await make_person("known"),
        await make_person("admin"),
    )
    soon = datetime.now(PACIFIC).replace(tzinfo=None, microsecond=0) + timedelta(days=10)
    original = {
        "name": "Breakfast fly-in",
        "starts_at": soon.replace(hour=8, minute=0, second=0).isoformat(),
        "ends_at": soon.replace(hour=11, minute=0, second=0).isoformat(),
        "timezone": "America/Los_Angeles",
    }
    async with pilot.client(app) as http:
        event = (await http.post(URL, json=original)).json()
    changed = {
        **original,
        "name": "Breakfast fly-in and car show",
        "host": "EAA Chapter 84",
        "ends_at": soon.replace(hour=13, minute=0, second=0).isoformat(),
        "recurrence": {"cadence": "monthly", "day_of_month": soon.day},
    }
    async with other.client(app) as http:
        edited = await http.put(f"{URL}/{event['id']}", json=changed)
        missing = await http.put(f"{URL}/{uuid.uuid4()}", json=changed)
        elsewhere = await http.put(f"/api/v1/airports/BFI/events/{event['id']}", json=changed)
        backwards = await http.put(
            f"{URL}/{event['id']}", json={**changed, "ends_at": original["starts_at"]}
        )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["id"], edited.json()["host"]) == (event["id"], "EAA Chapter 84")
    assert edited.json()["recurrence"]["cadence"] == "monthly"
    assert (
        datetime.fromisoformat(edited.json()["next"][0]["ends_at"]).astimezone(PACIFIC).hour == 13
    )
    assert (missing.status_code, elsewhere.status_code, backwards.status_code) == (404, 404, 422)
    [listed] = (await client.get(URL)).json()
    assert listed["name"] == "Breakfast fly-in and car show"

    history = (await client.get("/api/v1/airports/PAE/history")).json()["items"]
    [update] = [e for e in history if (e["item_type"], e["event"]) == ("event", "update")]
    assert update["changes"]["name"] == ["Breakfast fly-in", "Breakfast fly-in and car show"]
    assert "starts_at" not in update["changes"]  # only what changed
    async with admin.client(app) as http:
        reverted = await http.post(f"/api/v1/admin/versions/{update['id']}/revert")
    assert reverted.status_code == 201, reverted.text
    [back] = (await client.get(URL)).json()
    assert (back["id"], back["name"], back["host"], back["recurrence"]) == (
        event["id"],
        "Breakfast fly-in",
        None,
        None,
    )
    assert back["next"][0]["ends_at"] == event["next"][0]["ends_at"]


async def test_an_event_is_in_the_airports_time_zone_whatever_the_browsers(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, connection: Any
) -> None:
    # Before: a browser in New York made the airport's zone New York's for good.
    await connection.execute(sa.text("UPDATE airports SET timezone = NULL WHERE code = 'PAE'"))
    await record_changes(connection, ChangeKind.TIME_ZONE, {"PAE": ["timezone"]})
    pilot = await make_person("known")
    day = (datetime.now(PACIFIC) + timedelta(days=30)).date()
    body = {
        "name": "Fly-in",
        "starts_at": f"{day}T08:00:00",
        "ends_at": f"{day}T11:00:00",
    }
    async with pilot.client(app) as http:
        refused = await http.post(URL, json=body | {"timezone": "America/New_York"})
        assert refused.status_code == 422, refused.text
        assert refused.json()["fields"] == [
            {"field": "timezone", "message": "the airport is in America/Los_Angeles"}
        ]
        assert "America/Los_Angeles" in refused.json()["detail"]
        # Without a zone, the airport's own, computed from its position.
        created = await http.post(URL, json=body)
        assert created.status_code == 201, created.text
        event = created.json()
        assert event["timezone"] == "America/Los_Angeles"
        start = datetime.fromisoformat(event["next"][0]["starts_at"]).astimezone(PACIFIC)
        assert start.hour == 8
        # An edit keeps it there; it never falls back to UTC.
        edited = await http.put(f"{URL}/{event['id']}", json=body | {"name": "Fly-in and BBQ"})
        assert edited.status_code == 200, edited.text
        assert edited.json()["timezone"] == "America/Los_Angeles"
        start = datetime.fromisoformat(edited.json()["next"][0]["starts_at"]).astimezone(PACIFIC)
        assert start.hour == 8
        moved = await http.put(f"{URL}/{event['id']}", json=body | {"timezone": "UTC"})
        assert moved.status_code == 422
    detail = (await client.get("/api/v1/airports/PAE")).json()
    assert detail["timezone"] == "America/Los_Angeles"


async def test_the_fifth_weekday_of_the_month_skips_the_months_without_one(
    app: FastAPI, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    # The first fifth Saturday from next year on.
    day = datetime(next_year_february(), 1, 1)
    while not (day.weekday() == 5 and day.day > 28):
        day += timedelta(days=1)
    body = {
        "name": "Fifth Saturday breakfast",
        "starts_at": day.replace(hour=8).isoformat(),
        "ends_at": day.replace(hour=10).isoformat(),
        "recurrence": {"cadence": "monthly", "week_of_month": 5},
    }
    async with pilot.client(app) as http:
        created = await http.post(URL, json=body)
    assert created.status_code == 201, created.text
    starts = [
        datetime.fromisoformat(o["starts_at"]).astimezone(PACIFIC) for o in created.json()["next"]
    ]
    assert len(starts) == 5
    assert all(start.weekday() == 5 and start.day > 28 and start.hour == 8 for start in starts)
    months = [(start.year, start.month) for start in starts]
    assert len(set(months)) == 5
    assert months == sorted(months)


async def test_occurrences_are_listed_however_far_ahead(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    far = datetime.now(PACIFIC).replace(tzinfo=None, microsecond=0) + timedelta(days=800)
    every_other_year = datetime.now(PACIFIC).replace(tzinfo=None, microsecond=0) - timedelta(
        days=300
    )
    async with pilot.client(app) as http:
        for name, start, recurrence in (
            ("Centennial", far, None),
            ("Biennial airshow", every_other_year, {"cadence": "yearly", "interval": 2}),
        ):
            body = {
                "name": name,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=6)).isoformat(),
                "recurrence": recurrence,
            }
            assert (await http.post(URL, json=body)).status_code == 201
    listed = {event["name"]: event["next"] for event in (await client.get(URL)).json()}
    assert len(listed["Centennial"]) == 1
    next_show = datetime.fromisoformat(listed["Biennial airshow"][0]["starts_at"])
    assert next_show - datetime.now(PACIFIC) > timedelta(days=366)


async def test_a_link_without_a_scheme_gets_https(app: FastAPI, make_person: MakePerson) -> None:
    pilot = await make_person("known")
    soon = datetime.now(PACIFIC).replace(tzinfo=None, microsecond=0) + timedelta(days=3)
    body = {
        "name": "Fly-in",
        "starts_at": soon.isoformat(),
        "ends_at": (soon + timedelta(hours=2)).isoformat(),
        "url": " eaa84.org/fly-in ",
    }
    async with pilot.client(app) as http:
        created = await http.post(URL, json=body)
        refused = await http.post(URL, json=body | {"url": "ftp://eaa84.org"})
    assert created.status_code == 201, created.text
    assert created.json()["url"] == "https://eaa84.org/fly-in"
    assert refused.status_code == 422


async def test_one_event_as_a_calendar_file(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson
) -> None:
    pilot = await make_person("known")
    day = datetime(next_year_february(), 7, 4)
    body = {
        "name": "Independence Day fly-in",
        "description": "Hot dogs at noon.",
        "starts_at": day.replace(hour=10).isoformat(),
        "ends_at": day.replace(hour=14).isoformat(),
        "recurrence": {"cadence": "yearly"},
    }
    async with pilot.client(app) as http:
        event = (await http.post(URL, json=body)).json()
        other = (await http.post(URL, json=body | {"name": "Another"})).json()
    answer = await client.get(f"/api/v1/airports/KPAE/events/{event['id']}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    assert "attachment" in answer.headers["content-disposition"]
    calendar = icalendar.Calendar.from_ical(answer.content)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Independence Day fly-in"
    assert entry.decoded("dtstart") == day.replace(hour=10, tzinfo=PACIFIC)
    assert entry["rrule"]["FREQ"] == ["YEARLY"]
    assert other["id"] not in answer.text

    missing = await client.get(f"/api/v1/airports/PAE/events/{uuid.uuid4()}.ics")
    elsewhere = await client.get(f"/api/v1/airports/BFI/events/{event['id']}.ics")
    assert (missing.status_code, elsewhere.status_code) == (404, 404)
    assert missing.json()["error"] == "NotFound"


async def test_an_airport_without_a_stored_zone_lists_its_events_in_its_own(
    app: FastAPI, client: httpx.AsyncClient, make_person: MakePerson, connection: Any
) -> None:
    pilot = await make_person("known")
    day = (datetime.now(PACIFIC) + timedelta(days=20)).date()
    body = {"name": "Fly-in", "starts_at": f"{day}T09:00:00", "ends_at": f"{day}T12:00:00"}
    async with pilot.client(app) as http:
        assert (await http.post(URL, json=body)).status_code == 201
    # The zone is forgotten (a re-import): the listing finds it again from the position.
    await connection.execute(sa.text("UPDATE airports SET timezone = NULL WHERE code = 'PAE'"))
    await record_changes(connection, ChangeKind.TIME_ZONE, {"PAE": ["timezone"]})
    [event] = (await client.get(URL)).json()
    assert event["timezone"] == "America/Los_Angeles"
    start = datetime.fromisoformat(event["next"][0]["starts_at"]).astimezone(PACIFIC)
    assert start.hour == 9
    calendar = icalendar.Calendar.from_ical((await client.get(f"{URL}.ics")).content)
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtstart").tzinfo is not None
    assert str(entry.decoded("dtstart").tzinfo) == "America/Los_Angeles"
