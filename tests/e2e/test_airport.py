"""The airport page against the real server: its facts, diagram and link preview, Markdown
editing with conflicts, tags, comments, events and their calendar, webcams, photos, history with
its version preview, map annotations and the phone layout.

Each test that writes uses an airport of its own, so the tests stand alone in any order."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from PIL import Image
from playwright.async_api import Locator, Page, expect
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.settings import Settings
from api.jobs import external_photos
from tests.e2e.conftest import Contexts, Site, screenshot
from tests.jobs.test_external_photos import Places, place
from tests.local_http import local_server


async def api_get(site: Site, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as client:
        return await client.get(path)


async def airport_json(site: Site, code: str) -> dict[str, Any]:
    """The airport as the API has it (and proof that the sample holds it)."""
    response = await api_get(site, f"/api/v1/airports/{code}")
    assert response.status_code == 200, (code, response.text)
    airport: dict[str, Any] = response.json()
    assert airport["code"] == code
    return airport


async def open_airport(new_context: Contexts, site: Site, code: str) -> Page:
    """A signed-in pilot on the page of an editable airport of the sample."""
    airport = await airport_json(site, code)
    assert not airport["locked"], code
    context = await new_context(site.known)
    page = await context.new_page()
    await page.goto(f"/airports/{code}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{code} - "))
    return page


async def wait_until_loaded(image: Locator) -> int:
    """The image's natural width once the browser has fetched and decoded it."""
    await image.scroll_into_view_if_needed()
    await image.evaluate(
        """image => image.complete && image.naturalWidth > 0 ? null : new Promise(
            (resolve, reject) => {
                image.addEventListener("load", resolve, { once: true });
                image.addEventListener("error", () => reject(new Error("broken")), { once: true });
            })"""
    )
    width: int = await image.evaluate("image => image.naturalWidth")
    return width


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:6]}"


async def test_the_airport_page_shows_runways_frequencies_and_the_diagram(
    page: Page, site: Site
) -> None:
    airport = await airport_json(site, "PAE")
    await page.goto("/airports/KPAE")  # the ICAO code finds the FAA identifier's page
    # The name in title case, and the FAA's own text beside it.
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "PAE - Seattle Paine Field International Airport"
    )
    assert airport["official_name"] == "SEATTLE PAINE FIELD INTERNATIONAL AIRPORT"
    await expect(page.get_by_text(f"FAA: {airport['official_name']}")).to_be_visible()
    await expect(page).to_have_title(re.compile(r"^PAE - .*· Pirep$"))
    facts = page.get_by_role("region", name="Before you land")
    runways = facts.get_by_role("listitem").filter(has_text=re.compile(r"^Runway "))
    await expect(runways).to_have_count(2)  # longest first
    await expect(runways.first).to_contain_text("Runway 16R/34L")
    await expect(runways.first).to_contain_text("9,010 × 150 ft")
    await expect(runways.first).to_contain_text("asphalt/concrete · high-intensity lights")
    await expect(runways.nth(1)).to_contain_text("Runway 16L/34R")
    await expect(runways.nth(1)).to_contain_text("3,004 × 75 ft")
    await expect(facts.get_by_text("606 ft", exact=True)).to_be_visible()
    await expect(facts.get_by_text("100LL, A+", exact=True)).to_be_visible()
    await expect(facts.get_by_text("Tower 120.20, 132.95", exact=True)).to_be_visible()
    frequencies = facts.get_by_role("table", name="Frequencies")
    await expect(frequencies.get_by_role("row", name=re.compile(r"ATIS\s+128\.65"))).to_be_visible()
    await expect(frequencies.get_by_role("columnheader")).to_have_text(["Use", "MHz", "Notes"])
    # What is used to land comes first: the CTAF, then the tower.
    await expect(frequencies.get_by_role("rowheader").first).to_have_text("CTAF")
    await expect(frequencies.get_by_role("rowheader").nth(1)).to_have_text("Tower")

    diagram = page.get_by_role("region", name="Airport Diagram")
    image = diagram.get_by_role("img", name="FAA airport diagram of PAE")
    assert await wait_until_loaded(image) > 100
    pdf = diagram.get_by_role("link", name="Open the diagram as a PDF")
    await expect(pdf).to_have_attribute("href", re.compile(r"/assets/diagrams/.+\.pdf$"))
    response = await api_get(site, str(await pdf.get_attribute("href")))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    await page.evaluate("window.scrollTo(0, 0)")
    await expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    await screenshot(page, "airport-page")

    # The server puts the airport in the HTML itself, for link previews and crawlers.
    raw = await api_get(site, "/airports/KPAE")
    assert raw.status_code == 200
    og_title = re.search(r'<meta property="og:title" content="([^"]*)"', raw.text)
    assert og_title is not None, raw.text
    assert "PAE - Seattle Paine Field International Airport" in og_title.group(1)
    assert re.search(r"<title>PAE - [^<]+</title>", raw.text)


async def test_a_pilot_edits_the_description_in_markdown(new_context: Contexts, site: Site) -> None:
    page = await open_airport(new_context, site, "AWO")
    section = page.locator("section#description")
    bold = unique("grass parking")
    text = f"Friendly field. Park on the **{bold}** west of the tower."

    # Nobody has written one: the field waits in the "Add what you know" list.
    await (
        page.get_by_role("region", name="Add what you know")
        .get_by_role("button", name="Add Description")
        .click()
    )
    await expect(page.get_by_label("Description", exact=True)).to_be_focused()
    await page.get_by_label("Description", exact=True).fill(text)
    await page.get_by_role("button", name="Save Description").click()

    await expect(section.get_by_role("status")).to_have_text(re.compile("Saved!"))
    await expect(page.get_by_label("Description", exact=True)).to_have_count(0)
    await expect(section.locator("strong")).to_have_text(bold)
    await expect(section).to_contain_text("Friendly field. Park on the")
    await expect(section).not_to_contain_text("**")

    await page.reload()
    await expect(section.locator("strong")).to_have_text(bold)
    await expect(section).to_contain_text("Last updated")

    wiki = (await airport_json(site, "AWO"))["wiki"]["description"]
    assert wiki["text"] == text
    assert f"<strong>{bold}</strong>" in wiki["html"]


async def test_two_pilots_editing_the_same_field_see_the_conflict(
    new_context: Contexts, site: Site
) -> None:
    code = "S43"
    await airport_json(site, code)
    first = await (await new_context(site.admin)).new_page()
    second = await (await new_context(site.known)).new_page()
    field = "Transient Parking"
    for page in (first, second):
        await page.goto(f"/airports/{code}")
        await page.get_by_role("button", name=f"Add {field}").click()
        await expect(page.get_by_label(field, exact=True)).to_be_editable()

    theirs = unique("Transient parking on the grass by the hangars")
    await first.get_by_label(field, exact=True).fill(theirs)
    await first.get_by_role("button", name=f"Save {field}").click()
    await expect(first.locator("#transient_parking").get_by_role("status")).to_have_text(
        re.compile("Saved!")
    )

    mine = unique("Transient parking on the ramp south of the FBO")
    await second.get_by_label(field, exact=True).fill(mine)
    await second.get_by_role("button", name=f"Save {field}").click()
    conflict = second.get_by_role("alert")
    await expect(conflict).to_contain_text(f"Someone else changed {field}")
    await expect(conflict).to_contain_text("Your text was not saved.")
    await expect(conflict.locator("pre")).to_have_text(theirs)
    assert (await airport_json(site, code))["wiki"]["transient_parking"]["text"] == theirs

    # "Load their text" puts the first pilot's text in the editor, to build on.
    await conflict.get_by_role("button", name="Load their text").click()
    await expect(second.get_by_role("alert")).to_have_count(0)
    await expect(second.get_by_label(field, exact=True)).to_have_value(theirs)
    await second.get_by_label(field, exact=True).fill(mine)

    # Meanwhile the first pilot changes the field again from the page they have.
    again = unique("Transient parking moved to the east apron")
    await first.get_by_role("button", name=f"Edit {field}").click()
    await expect(first.get_by_label(field, exact=True)).to_have_value(theirs)
    await first.get_by_label(field, exact=True).fill(again)
    await first.get_by_role("button", name=f"Save {field}").click()
    await expect(first.locator("#transient_parking").get_by_role("status")).to_have_text(
        re.compile("Saved!")
    )
    await expect(first.locator("#transient_parking")).to_contain_text(again)

    # "Overwrite with mine" saves the second pilot's text over theirs.
    await second.get_by_role("button", name=f"Save {field}").click()
    await expect(second.get_by_role("alert").locator("pre")).to_have_text(again)
    await second.get_by_role("button", name="Overwrite with mine").click()
    section = second.locator("#transient_parking")
    await expect(section.get_by_role("status")).to_have_text(re.compile("Saved!"))
    await expect(second.get_by_label(field, exact=True)).to_have_count(0)
    await expect(section).to_contain_text(mine)
    assert (await airport_json(site, code))["wiki"]["transient_parking"]["text"] == mine


async def test_a_pilot_adds_and_removes_a_tag(new_context: Contexts, site: Site) -> None:
    code = "S50"
    assert "camping" not in (await airport_json(site, code))["tags"]
    page = await open_airport(new_context, site, code)
    tags = page.get_by_role("region", name="Tags")
    camping = tags.get_by_role("listitem").filter(has_text=re.compile(r"^Camping"))
    await expect(camping).to_have_count(0)

    await tags.get_by_role("button", name="Edit tags").click()
    await tags.get_by_label("Add a tag").select_option(label="Camping")
    await expect(camping).to_have_count(1)
    await expect(
        tags.get_by_label("Add a tag").locator("option", has_text="Camping")
    ).to_have_count(0)
    assert "camping" in (await airport_json(site, code))["tags"]

    await page.reload()
    await expect(camping).to_have_count(1)
    await tags.get_by_role("button", name="Edit tags").click()
    await tags.get_by_role("button", name="Remove tag Camping").click()
    await expect(camping).to_have_count(0)
    await expect(
        tags.get_by_label("Add a tag").locator("option", has_text="Camping")
    ).to_have_count(1)
    assert "camping" not in (await airport_json(site, code))["tags"]


async def test_a_pilot_comments_votes_and_flags_the_comment_outdated(
    new_context: Contexts, site: Site
) -> None:
    page = await open_airport(new_context, site, "BLI")
    comments = page.locator("#comments")
    body = unique("The self-serve pump takes cards after hours.")
    await comments.get_by_label("Your comment").fill(body)
    await comments.get_by_role("button", name="Post comment").click()
    await expect(comments.get_by_role("status")).to_have_text("Thank you, your comment was added.")
    await expect(comments.get_by_label("Your comment")).to_have_value("")
    comment = comments.get_by_role("listitem").filter(has_text=body)
    await expect(comment).to_have_count(1)

    await comment.get_by_role("button", name="Helpful (0)").click()
    await expect(comment.get_by_role("button", name="Helpful (1)")).to_be_visible()
    # A second vote by the same pilot is refused, and the count stays.
    await comment.get_by_role("button", name="Helpful (1)").click()
    await expect(comment.get_by_role("alert")).to_contain_text("already found this comment helpful")
    await expect(comment.get_by_role("button", name="Helpful (1)")).to_be_visible()

    await comment.get_by_role("button", name="Flag as outdated").click()
    await expect(comment).to_contain_text("flagged this comment as outdated")
    await expect(comment).to_have_class(re.compile(r"\boutdated\b"))
    await comment.get_by_role("button", name="Undo outdated flag").click()
    await expect(comment.get_by_role("button", name="Flag as outdated")).to_be_visible()
    await expect(comment).not_to_contain_text("flagged this comment as outdated")

    listed = (await api_get(site, "/api/v1/airports/BLI/comments")).json()["items"]
    mine = [item for item in listed if body in item["html"]]
    assert len(mine) == 1, listed
    assert mine[0]["helpful_count"] == 1
    assert mine[0]["outdated_at"] is None


def tenth_of_a_month_ahead() -> date:
    """The 10th of a month at least three weeks ahead: a date every month has."""
    day = date.today() + timedelta(days=21)
    while day.day != 10:
        day += timedelta(days=1)
    return day


async def test_a_pilot_adds_one_off_and_monthly_events(new_context: Contexts, site: Site) -> None:
    code = "PWT"
    page = await open_airport(new_context, site, code)
    events = page.get_by_role("region", name="Upcoming Events")
    page.on("dialog", lambda dialog: dialog.accept())

    fly_in = unique("Pancake fly-in")
    when = date.today() + timedelta(days=30)
    await events.get_by_role("button", name="Add an event").click()
    await events.get_by_label("Event name").fill(fly_in)
    await events.get_by_label("Starts", exact=True).fill(f"{when.isoformat()}T09:00")
    await events.get_by_label("Ends", exact=True).fill(f"{when.isoformat()}T13:00")
    await events.get_by_role("button", name="Add event").click()
    one_off = events.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=fly_in, exact=True)
    )
    await expect(one_off).to_contain_text(f"{when:%b} {when.day}, {when.year}, 9:00 AM – 1:00 PM")
    await expect(one_off).not_to_contain_text("Repeats")
    await expect(events.get_by_label("Event name")).to_have_count(0)

    meeting = unique("Chapter meeting")
    start = tenth_of_a_month_ahead()
    await events.get_by_role("button", name="Add an event").click()
    await events.get_by_label("Event name").fill(meeting)
    await events.get_by_label("Starts", exact=True).fill(f"{start.isoformat()}T19:00")
    await events.get_by_label("Ends", exact=True).fill(f"{start.isoformat()}T21:00")
    await events.get_by_label("Recurring event").check()
    await expect(events.get_by_label("Every", exact=True)).to_have_value("1")
    await events.get_by_label("Repeat unit").select_option(label="Month(s)")
    await events.get_by_label("Repeat on").select_option(label="On the 10th")
    await expect(events.locator("fieldset")).to_contain_text("Repeats every month on the 10th")
    await events.get_by_role("button", name="Add event").click()
    monthly = events.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=meeting, exact=True)
    )
    await expect(monthly).to_contain_text("Repeats every month on the 10th")
    await expect(monthly).to_contain_text(f"{start:%b} 10, {start.year}, 7:00 PM – 9:00 PM")

    calendar_link = events.get_by_role("link", name="Add these events to your calendar (.ics)")
    href = await calendar_link.get_attribute("href")
    assert href == f"/api/v1/airports/{code}/events.ics"
    calendar = await api_get(site, href)
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in calendar.text
    unfolded = calendar.text.replace("\r\n ", "")
    assert f"SUMMARY:{fly_in}" in unfolded
    assert f"SUMMARY:{meeting}" in unfolded
    assert "RRULE:FREQ=MONTHLY" in unfolded

    # Editing starts from the event as it is, and keeps it the same event.
    await events.get_by_role("button", name=f"Edit event {fly_in}").click()
    await expect(events.get_by_label("Event name")).to_have_value(fly_in)
    await expect(events.get_by_label("Starts", exact=True)).to_have_value(
        f"{when.isoformat()}T09:00"
    )
    await events.get_by_label("Ends", exact=True).fill(f"{when.isoformat()}T15:30")
    await events.get_by_label("Host").fill("EAA Chapter 84")
    await events.get_by_role("button", name="Save event").click()
    await expect(one_off).to_contain_text(f"{when:%b} {when.day}, {when.year}, 9:00 AM – 3:30 PM")
    await expect(one_off).to_contain_text("Host: EAA Chapter 84")
    stored = (await api_get(site, f"/api/v1/airports/{code}/events")).json()
    assert len(stored) == 2
    assert {event["host"] for event in stored} == {"EAA Chapter 84", None}

    await events.get_by_role("button", name=f"Delete event {fly_in}").click()
    await expect(one_off).to_have_count(0)
    await events.get_by_role("button", name=f"Delete event {meeting}").click()
    await expect(monthly).to_have_count(0)
    await expect(events).to_contain_text("No upcoming events.")
    assert (await api_get(site, f"/api/v1/airports/{code}/events")).json() == []


async def test_a_pilot_adds_and_removes_a_webcam(new_context: Contexts, site: Site) -> None:
    code = "BVS"
    page = await open_airport(new_context, site, code)
    webcams = page.get_by_role("region", name="Webcams")
    await expect(webcams).to_contain_text("No webcams yet.")
    address = f"https://webcams.invalid/bvs/{uuid.uuid4().hex[:6]}/runway.jpg"

    await webcams.get_by_label("Webcam address").fill(address)
    await webcams.get_by_role("button", name="Add webcam").click()
    image = webcams.get_by_role("img", name=f"Webcam at {code} (webcams.invalid)")
    await expect(image).to_have_attribute("src", address)
    link = webcams.get_by_role("link", name=f"Webcam at {code} (webcams.invalid)")
    await expect(link).to_have_attribute("href", address)
    await expect(webcams.get_by_label("Webcam address")).to_have_value("")
    stored = (await airport_json(site, code))["webcams"]
    assert [(webcam["url"], webcam["kind"]) for webcam in stored] == [(address, "image")]

    await webcams.get_by_role("button", name=f"Remove webcam {address}").click()
    await expect(image).to_have_count(0)
    await expect(webcams).to_contain_text("No webcams yet.")
    assert (await airport_json(site, code))["webcams"] == []


async def test_a_pilot_uploads_a_photo(new_context: Contexts, site: Site, tmp_path: Path) -> None:
    code = "0S9"
    picture = tmp_path / "ramp.jpg"
    Image.new("RGB", (320, 240), (40, 120, 200)).save(picture, "JPEG")
    page = await open_airport(new_context, site, code)
    photos = page.get_by_role("region", name="Photos")
    await expect(photos).to_contain_text("No photos of this airport yet.")

    await photos.get_by_label("Add a photo").set_input_files(picture)
    await expect(photos.get_by_role("status")).to_have_text("Photo added. Thank you!")
    image = photos.get_by_role("img", name=f"Photo 1 of 1 of {code}")
    assert await wait_until_loaded(image) > 0
    src = await image.get_attribute("src")
    assert src
    served = await api_get(site, src)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/")
    assert len((await airport_json(site, code))["photos"]) == 1


async def test_google_photos_show_with_their_authors(new_context: Contexts, site: Site) -> None:
    code = "EAT"
    airport = await airport_json(site, code)
    assert airport["photos"] == []
    # A visit asked for photos (the site has no key: the request is written directly), and
    # the worker's job fetches them from a local server answering as Google.
    engine = create_async_engine(site.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO external_photo_lookups (airport_id, requested_at) "
                    "SELECT id, now() FROM airports WHERE code = :code"
                ),
                {"code": code},
            )
        Places.places = [place(airport["latitude"], airport["longitude"], "ramp")]
        with local_server(Places) as google:
            settings = Settings(
                database_url=site.database_url,
                environment="test",
                data_dir=site.log.parent,
                google_api_key="test-key",
                google_places_url=google,
            )
            counts = await external_photos.cache_external_photos(engine, settings)
        assert counts["with_photos"] == 1
    finally:
        await engine.dispose()

    page = await open_airport(new_context, site, code)
    photos = page.get_by_role("region", name="Photos")
    image = photos.get_by_role("img", name=f"Photo 1 of 1 of {code}")
    assert await wait_until_loaded(image) == 1500
    await expect(photos).to_contain_text("Photo by Author of ramp · Google Maps")
    author = photos.get_by_role("link", name="Author of ramp")
    assert await author.get_attribute("href") == "https://maps.google.com/maps/contrib/ramp"
    # Pilots are still asked for a photo of their own.
    await expect(photos.get_by_label("Add a photo")).to_be_attached()


async def test_the_history_shows_a_diff_and_the_page_after_each_change(
    new_context: Contexts, site: Site
) -> None:
    code = "PLU"
    field = "Fuel Location"
    before = unique("Self-serve fuel at the north end")
    after = unique("Self-serve fuel at the south end")
    # Two pilots, as one pilot's edits in a row make a single version.
    admin = await (await new_context(site.admin)).new_page()
    page = await open_airport(new_context, site, code)
    for writer, text in ((admin, before), (page, after)):
        await writer.goto(f"/airports/{code}")
        # Empty for the first pilot (in the "Add what you know" list), written for the second.
        await writer.get_by_role("button", name=re.compile(rf"^(Add|Edit) {field}$")).click()
        await writer.get_by_label(field, exact=True).fill(text)
        await writer.get_by_role("button", name=f"Save {field}").click()
        # Wait for the answer (the textarea holds the text until then).
        section = writer.locator("#fuel_location")
        await expect(section.get_by_role("status")).to_have_text(re.compile("Saved!"))
        await expect(section.get_by_role("paragraph").filter(has_text=text)).to_be_visible()

    await (
        page.get_by_role("navigation", name="Airport pages")
        .get_by_role("link", name="History")
        .click()
    )
    await expect(page).to_have_url(re.compile(rf"/airports/{code}/history$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(f"^History of {code}")
    )
    entries = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=f"Edited {field}")
    )
    await expect(entries).to_have_count(2)
    newest = entries.first
    diff = newest.get_by_role("table", name=f"Changes to {field}")
    await expect(diff.get_by_role("columnheader")).to_have_text(["Before", "After"])
    cells = diff.get_by_role("cell")
    await expect(cells.first).to_have_text(before)
    await expect(cells.nth(1)).to_have_text(after)
    await expect(diff.locator("del")).to_contain_text(["north"])
    await expect(diff.locator("ins")).to_contain_text(["south"])

    # The page as it was after the first change: the older text, with a banner saying so.
    await entries.nth(1).get_by_role("link", name="View the page after this change").click()
    await expect(page).to_have_url(re.compile(rf"/airports/{code}/versions/[0-9a-f-]+$"))
    await expect(
        page.get_by_role("note").filter(has_text="This is how the page looked after the change of")
    ).to_be_visible()
    version_field = page.locator("section").filter(
        has=page.get_by_role("heading", name=field, exact=True)
    )
    await expect(version_field).to_contain_text(before)
    await expect(version_field).not_to_contain_text(after)
    await page.get_by_role("link", name="Back to the current page").click()
    await expect(page.locator("#fuel_location")).to_contain_text(after)


async def test_a_pilot_annotates_the_airport_map(new_context: Contexts, site: Site) -> None:
    code = "TIW"
    airport = await airport_json(site, code)
    assert airport["annotations"] == []
    page = await open_airport(new_context, site, code)
    card = page.locator(".airport-map-card")
    small_map = card.get_by_role("region", name=f"Map of {code}")
    await expect(small_map.locator("canvas.maplibregl-canvas")).to_be_visible()

    await card.get_by_role("switch", name="Edit annotations").check()
    await expect(card).to_contain_text("No markers yet.")
    # The map takes clicks once its style has loaded; until then a click adds nothing.
    label = card.get_by_label("Label of marker 1")
    await small_map.click()
    await expect(label).to_be_visible()
    await expect(card.get_by_label("Label of marker 2")).to_have_count(0)
    await expect(small_map.locator(".annotation-marker")).to_have_text("Marker 1")
    await label.fill("Fuel pumps")
    await expect(small_map.locator(".annotation-marker")).to_have_text("Fuel pumps")
    await card.get_by_role("button", name="Save annotations").click()

    legend = card.locator(".annotation-legend")
    await expect(legend.get_by_role("listitem")).to_have_text(["Fuel pumps"])
    await expect(card.get_by_role("switch", name="Edit annotations")).not_to_be_checked()
    await page.reload()
    await expect(legend.get_by_role("listitem")).to_have_text(["Fuel pumps"])
    await expect(small_map.locator(".annotation-marker")).to_have_text("Fuel pumps")

    annotations = (await airport_json(site, code))["annotations"]
    assert [annotation["label"] for annotation in annotations] == ["Fuel pumps"]
    assert abs(annotations[0]["latitude"] - airport["latitude"]) < 0.05
    assert abs(annotations[0]["longitude"] - airport["longitude"]) < 0.05


PHONE = {"width": 390, "height": 844}


async def top_of(locator: Locator) -> float:
    box = await locator.bounding_box()
    assert box is not None, locator
    return box["y"]


async def test_the_facts_for_landing_come_first_on_a_phone(new_context: Contexts) -> None:
    context = await new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto("/airports/PAE")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("PAE - ")
    await expect(page.get_by_role("region", name="Map of PAE").locator("canvas")).to_be_visible()
    await expect(page.get_by_role("region", name="Comments")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    heading = await page.get_by_role("heading", level=1).bounding_box()
    assert heading is not None
    assert heading["x"] >= 0
    assert heading["x"] + heading["width"] <= 390, heading

    # Elevation, frequencies and runways are one block, on the first screen, above everything
    # pilots wrote (photos, tags, the wiki, events and comments).
    facts = page.get_by_role("region", name="Before you land")
    for fact in ("Elevation", "Fuel", "Call on arrival"):
        await expect(facts.get_by_text(fact, exact=True)).to_be_visible()
    for part in ("Runways", "Frequencies", "Sun today"):
        await expect(facts.get_by_role("heading", name=part)).to_be_visible()
    facts_top = await top_of(facts)
    assert facts_top < PHONE["height"], facts_top
    assert facts_top + 200 < PHONE["height"]  # and enough of it to read without scrolling
    community = [
        page.get_by_role("region", name="Photos"),
        page.get_by_role("region", name="Tags"),
        page.get_by_role("region", name="Add what you know"),
        page.get_by_role("region", name="Upcoming Events"),
        page.get_by_role("region", name="Comments"),
    ]
    for block in community:
        assert facts_top < await top_of(block), block
    # The weather (when there is one), access and the diagram also come before them.
    first_community = min([await top_of(block) for block in community])
    for before in ("Access", "Airport Diagram"):
        assert await top_of(page.get_by_role("region", name=before)) < first_community, before
    await page.evaluate("window.scrollTo(0, 0)")
    await screenshot(page, "airport-phone")


def listed(names: list[str]) -> list[re.Pattern[str]]:
    """The texts of the "Add what you know" buttons: each name after a "+"."""
    return [re.compile(rf"^\+\s*{re.escape(name)}$") for name in names]


async def test_empty_wiki_sections_are_gathered_into_one_list(
    new_context: Contexts, site: Site
) -> None:
    # An airport nobody has written about (other tests write about some of the sample's).
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as http:
        meta = (await http.get("/api/v1/meta")).json()
        features = (await http.get(meta["airports_geojson_url"])).json()["features"]
    code = min(
        f["properties"]["code"]
        for f in features
        if "empty" in f["properties"]["tags"] and f["properties"]["facility_type"] == "airport"
    )
    airport = await airport_json(site, code)
    assert all(not field["text"] for field in airport["wiki"].values())
    page = await open_airport(new_context, site, code)
    gathered = page.get_by_role("region", name="Add what you know")
    names = [
        "Description",
        "Transient Parking",
        "Fuel Location",
        "Landing & Tie-down Fees",
        "Crew Car Availability",
        "Flying Clubs",
        "WiFi Access",
    ]
    await expect(gathered.get_by_role("button")).to_have_text(listed(names))
    # No empty card of its own for any of them.
    for wiki_id in ("description", "transient_parking", "fuel_location", "wifi"):
        await expect(page.locator(f"section#{wiki_id}")).to_have_count(0)

    # Each opens its editor; what is written becomes a card and leaves the list.
    await gathered.get_by_role("button", name="Add Crew Car Availability").click()
    editor = page.get_by_label("Crew Car Availability", exact=True)
    await expect(editor).to_be_focused()
    text = unique("Crew car: ask at the FBO desk")
    await editor.fill(text)
    await page.get_by_role("button", name="Save Crew Car Availability").click()
    card = page.locator("section#crew_car")
    await expect(card.get_by_role("status")).to_have_text(re.compile("Saved!"))
    await expect(card).to_contain_text(text)
    await expect(gathered.get_by_role("button")).to_have_text(
        listed([name for name in names if name != "Crew Car Availability"])
    )
    # Cancelling an empty one puts it back in the list.
    await gathered.get_by_role("button", name="Add Flying Clubs").click()
    await page.get_by_role("button", name="Cancel editing Flying Clubs").click()
    await expect(page.locator("section#flying_clubs")).to_have_count(0)
    await expect(gathered.get_by_role("button", name="Add Flying Clubs")).to_be_visible()

    await page.reload()
    await expect(card).to_contain_text(text)
    await expect(card.get_by_role("button", name="Edit Crew Car Availability")).to_be_visible()
    await expect(gathered.get_by_role("button")).to_have_count(6)
    assert (await airport_json(site, code))["wiki"]["crew_car"]["text"] == text


def airport_clock(moment: str, zone: str) -> str:
    """'7:42 AM': an API instant on the airport's clock, as the page writes it."""
    local = datetime.fromisoformat(moment).astimezone(ZoneInfo(zone))
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


async def test_sun_times_are_given_in_the_airports_zone(new_context: Contexts, site: Site) -> None:
    airport = await airport_json(site, "PAE")
    sun = airport["sun"]
    assert sun is not None
    assert sun["timezone"] == "America/Los_Angeles"
    # A pilot planning from the east coast still reads Paine Field's own clock.
    context = await new_context(timezone_id="America/New_York")
    page = await context.new_page()
    await page.goto("/airports/PAE")
    block = page.locator(".sun-times")
    zone = datetime.fromisoformat(sun["sunrise"]).astimezone(ZoneInfo(sun["timezone"])).tzname()
    assert zone in ("PST", "PDT")
    for label, key in (
        ("Dawn", "civil_dawn"),
        ("Sunrise", "sunrise"),
        ("Sunset", "sunset"),
        ("Dusk", "civil_dusk"),
    ):
        item = block.get_by_role("listitem").filter(has_text=label)
        await expect(item).to_have_text(f"{label} {airport_clock(sun[key], sun['timezone'])}")
        assert airport_clock(sun[key], "America/New_York") not in (await block.inner_text())
    await expect(block).to_contain_text(f"local time at the airport: {zone} (America/Los_Angeles)")


async def test_an_event_added_from_another_zone_is_at_the_airports_local_time(
    new_context: Contexts, site: Site
) -> None:
    code = "SHN"
    assert (await airport_json(site, code))["timezone"] == "America/Los_Angeles"
    context = await new_context(site.known, timezone_id="America/New_York")
    page = await context.new_page()
    await page.goto(f"/airports/{code}")
    assert await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == (
        "America/New_York"
    )
    events = page.get_by_role("region", name="Upcoming Events")
    name = unique("Breakfast fly-in")
    day = date.today() + timedelta(days=40)
    zone = datetime(
        day.year, day.month, day.day, 9, tzinfo=ZoneInfo("America/Los_Angeles")
    ).tzname()
    await events.get_by_role("button", name="Add an event").click()
    await events.get_by_label("Event name").fill(name)
    await events.get_by_label("Starts", exact=True).fill(f"{day.isoformat()}T09:00")
    await events.get_by_label("Ends", exact=True).fill(f"{day.isoformat()}T11:30")
    await expect(events).to_contain_text(
        f"Times are local to the airport: {zone} (America/Los_Angeles)."
    )
    async with page.expect_request(
        lambda request: request.method == "POST" and request.url.endswith(f"/{code}/events")
    ) as sent:
        await events.get_by_role("button", name="Add event").click()
    body = (await sent.value).post_data_json
    assert isinstance(body, dict), body
    assert body["starts_at"] == f"{day.isoformat()}T09:00", body
    assert body.get("timezone") in (None, "America/Los_Angeles"), body  # never the browser's
    item = events.get_by_role("listitem").filter(has=page.get_by_role("heading", name=name))
    await expect(item).to_contain_text(f"{day:%b} {day.day}, {day.year}, 9:00 AM – 11:30 AM {zone}")

    stored = [
        event
        for event in (await api_get(site, f"/api/v1/airports/{code}/events")).json()
        if event["name"] == name
    ]
    assert len(stored) == 1, stored
    assert stored[0]["timezone"] == "America/Los_Angeles"
    starts = datetime.fromisoformat(stored[0]["next"][0]["starts_at"]).astimezone(
        ZoneInfo("America/Los_Angeles")
    )
    assert (starts.date(), starts.hour, starts.minute) == (day, 9, 0)
    assert (await airport_json(site, code))["timezone"] == "America/Los_Angeles"


async def test_the_airport_map_opens_on_the_airport_without_stretching_the_chart(
    page: Page, site: Site
) -> None:
    meta = (await api_get(site, "/api/v1/meta")).json()
    assert meta["client"]["map_style_url"] is None
    chart = max(layer["max_zoom"] for layer in meta["chart_layers"])
    # Paine Field is on the sample's chart: the map stops where the chart's tiles do (256 px
    # tiles: MapLibre's zoom is the tile zoom less one).
    await page.goto("/airports/PAE")
    small_map = page.get_by_role("region", name="Map of PAE")
    await expect(small_map.locator("canvas")).to_be_visible()
    await expect(small_map).to_have_attribute("data-idle", "true", timeout=20_000)
    zoom = float(await small_map.get_attribute("data-zoom") or "nan")
    assert chart - 1.5 <= zoom <= chart - 1, zoom
    await expect(small_map.get_by_role("button", name="Zoom in")).to_be_disabled()

    # Vancouver is off the chart: its runways are drawn from their ends, framed by its box.
    airport = await airport_json(site, "CYVR")
    assert any(end["latitude"] for runway in airport["runways"] for end in runway["ends"])
    await page.goto("/airports/CYVR")
    small_map = page.get_by_role("region", name="Map of CYVR")
    await expect(small_map).to_have_attribute("data-idle", "true", timeout=20_000)
    zoom = float(await small_map.get_attribute("data-zoom") or "nan")
    assert 11 <= zoom <= 15, zoom
    placed = [
        runway
        for runway in airport["runways"]
        if len([end for end in runway["ends"] if end["latitude"] is not None]) >= 2
    ]
    assert placed
    await expect(small_map).to_have_attribute("data-runways", str(len(placed)))


async def test_a_visit_of_the_page_is_counted_and_a_headless_crawler_is_not(
    new_context: Contexts, site: Site
) -> None:
    code = "ORS"
    assert (await api_get(site, f"/api/v1/airports/{code}")).status_code == 200
    chrome = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Safari/537.36"
    )
    for agent in (chrome, None):  # None: headless Chromium's own, which says so
        context = await new_context(**({"user_agent": agent} if agent else {}))
        page = await context.new_page()
        async with page.expect_response(lambda answer: answer.url.endswith("/views")) as sent:
            await page.goto(f"/airports/{code}")
        assert (await sent.value).status == 204
    engine = create_async_engine(site.database_url)
    try:
        async with engine.connect() as connection:
            browsers = (
                (
                    await connection.execute(
                        sa.text(
                            "SELECT p.browser FROM pageviews p "
                            "JOIN airports a ON a.id = p.airport_id WHERE a.code = :code"
                        ),
                        {"code": code},
                    )
                )
                .scalars()
                .all()
            )
    finally:
        await engine.dispose()
    assert browsers == ["Chrome"]


async def test_the_airport_links_to_other_pilots_sites(new_context: Contexts) -> None:
    context = await new_context()
    page = await context.new_page()
    await page.goto("/airports/PAE")
    facts = page.get_by_role("region", name="Before you land")
    expected = {
        "SkyVector": "https://skyvector.com/airport/PAE",
        "AirNav": "https://www.airnav.com/airport/KPAE",
        "Fuel prices (100LL.com)": "https://www.100ll.com/searchresults.php?searchfor=KPAE",
    }
    for name, href in expected.items():
        link = facts.get_by_role("link", name=re.compile(f"^{re.escape(name)}"))
        await expect(link).to_have_attribute("href", href)
        await expect(link).to_have_attribute("rel", "noopener noreferrer")
    # ForeFlight is an iPhone and iPad app: the link shows there only.
    await expect(facts.get_by_role("link", name="Open in ForeFlight")).to_have_count(0)
    iphone = await new_context(
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
        viewport={"width": 390, "height": 844},
    )
    phone = await iphone.new_page()
    await phone.goto("/airports/PAE")
    await expect(phone.get_by_role("link", name="Open in ForeFlight")).to_have_attribute(
        "href", "foreflightmobile://maps/search?q=APT@PAE"
    )
