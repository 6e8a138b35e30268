"""The map: chart tiles and airport markers render, filters live in the URL, search flies to
an airport and opens its summary, the first visit, the phone layout and adding an airport."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect

from tests.e2e.conftest import Contexts, Site, screenshot
from tests.e2e.pixels import (
    MARKER_BLUE,
    SELECTED_RED,
    distinct_colours,
    map_picture,
    pixels_near,
    wait_for_map,
)

# Paine Field, inside the sample sectional's footprint.
OVER_THE_CHART = "#12/47.91/-122.28"
# Alberta: Canadian airports only, which no other browser test documents.
ALBERTA = "#7/53.5/-113.5"


async def test_the_chart_layer_renders_and_can_be_switched_off(page: Page) -> None:
    await page.goto("/" + OVER_THE_CHART)
    await wait_for_map(page)
    with_chart = await map_picture(page)
    await screenshot(page, "map-chart")

    await page.get_by_role("button", name="Charts on").click()
    await expect(page).to_have_url(re.compile(r"layer=satellite"))
    await page.wait_for_timeout(600)  # the chart fades out in 300 ms
    await wait_for_map(page)
    without_chart = await map_picture(page)
    await screenshot(page, "map-without-chart")

    # A sectional is a busy picture; the plain background under it is one colour.
    assert distinct_colours(with_chart) > 2_000, distinct_colours(with_chart)
    assert distinct_colours(without_chart) < 100, distinct_colours(without_chart)


async def test_markers_follow_the_tag_filter_kept_in_the_url(page: Page) -> None:
    await page.goto("/?filters_tags=public" + ALBERTA)
    await wait_for_map(page)
    await expect(page.get_by_role("checkbox", name="Public", exact=True)).to_be_checked()
    public = pixels_near(await map_picture(page), MARKER_BLUE)
    await screenshot(page, "map-public-airports")

    # Unticking the last tag falls back to "Documented": the sample has no documented airport.
    await page.get_by_role("checkbox", name="Public", exact=True).click()
    await expect(page.get_by_role("checkbox", name="Public", exact=True)).not_to_be_checked()
    await expect(page.get_by_role("checkbox", name="Documented", exact=True)).to_be_checked()
    await expect(page).not_to_have_url(re.compile(r"filters_tags"))
    await wait_for_map(page)
    documented = pixels_near(await map_picture(page), MARKER_BLUE)

    # Ticking another tag switches "Documented" off again.
    await page.get_by_role("checkbox", name="Public", exact=True).click()
    await expect(page.get_by_role("checkbox", name="Public", exact=True)).to_be_checked()
    await expect(page.get_by_role("checkbox", name="Documented", exact=True)).not_to_be_checked()
    await expect(page).to_have_url(re.compile(r"filters_tags=public"))
    await wait_for_map(page)
    again = pixels_near(await map_picture(page), MARKER_BLUE)

    assert public > 500, public
    assert documented < 50, documented
    assert again == public, (again, public)


async def test_search_flies_to_an_airport_and_opens_its_summary(page: Page) -> None:
    await page.goto("/")
    await wait_for_map(page)
    search = page.get_by_role("combobox", name="Search airports")
    await search.fill("paine")
    await expect(page.get_by_role("option").first).to_contain_text("PAE")
    await search.press("ArrowDown")
    await search.press("ArrowUp")
    await search.press("Enter")

    await expect(page).to_have_url(re.compile(r"airport=PAE"))
    drawer = page.get_by_role("complementary", name="Details")
    await expect(drawer).to_contain_text("PAINE FIELD")
    # The map flew there: the position in the hash is Paine Field's.
    await expect(page).to_have_url(
        re.compile(r"#1[0-3](\.\d+)?/47\.9\d*/-122\.2\d*"), timeout=10_000
    )
    await wait_for_map(page)
    assert pixels_near(await map_picture(page), SELECTED_RED) > 30
    await screenshot(page, "map-drawer")
    await drawer.get_by_role("link", name=re.compile("More")).click()
    await expect(page).to_have_url(re.compile(r"/airports/PAE$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("PAE")


async def test_coordinates_in_the_search_box_fly_there(page: Page) -> None:
    await page.goto("/")
    await wait_for_map(page)
    await page.get_by_role("combobox", name="Search airports").fill("47.9, -122.28")
    await page.get_by_role("option", name="Go to 47.9, -122.28").click()
    await expect(page).to_have_url(re.compile(r"#16/47\.9/-122\.28"), timeout=10_000)


async def test_a_first_visit_offers_quick_filters_once(new_context: Contexts, site: Site) -> None:
    context = await new_context(first_visit=True)
    page = await context.new_page()
    await page.goto("/")
    welcome = page.get_by_role("region", name="Welcome to Pirep")
    await expect(welcome).to_be_visible()
    await welcome.get_by_role("button", name="Crew Car").click()
    await expect(page).to_have_url(re.compile(r"filters_tags=crew_car"))
    await page.reload()
    await expect(page.get_by_role("region", name="Welcome to Pirep")).to_have_count(0)


async def test_the_phone_layout_keeps_filters_behind_a_button(new_context: Contexts) -> None:
    context = await new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    await page.goto("/?airport=PAE")
    await wait_for_map(page)
    filters = page.get_by_role("complementary", name="Map filters")
    await expect(filters).not_to_be_in_viewport()
    await page.get_by_role("button", name="Filters").click()
    await expect(filters).to_be_in_viewport()
    await filters.get_by_role("button", name="Show the map").click()
    await expect(filters).not_to_be_in_viewport()
    drawer = page.get_by_role("complementary", name="Details")
    await expect(drawer).to_contain_text("PAE")
    box = await drawer.bounding_box()
    assert box is not None
    assert box["width"] >= 380, box
    assert box["y"] > 300, box  # a sheet over the lower part of the map
    await screenshot(page, "map-phone")


async def test_a_pilot_adds_a_missing_airport_by_clicking_the_map(page: Page) -> None:
    await page.goto("/" + "#13/47.3/-121.5")
    await wait_for_map(page)
    await page.get_by_role("button", name="Add an airport").click()
    form = page.get_by_role("form", name="Add an airport")
    await form.get_by_label("Airport name").fill("Cougar Mountain Strip")
    await form.get_by_role("button", name="Add the airport").click()
    await expect(form).to_contain_text("Click the map where the airport is first.")

    await page.get_by_test_id("map").click(position={"x": 300, "y": 300})
    await expect(form).to_contain_text("now 47.")
    await form.get_by_label("Closed").check()
    await form.get_by_role("button", name="Add the airport").click()

    await expect(page).to_have_url(re.compile(r"airport=UNM\d\d"))
    drawer = page.get_by_role("complementary", name="Details")
    await expect(drawer).to_contain_text("Cougar Mountain Strip")


async def test_the_colour_scheme_is_chosen_in_the_menu_and_remembered(page: Page) -> None:
    await page.goto("/")
    await wait_for_map(page)
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_label("Colour scheme").select_option("dark")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(17, 21, 27)", background
    await screenshot(page, "map-dark")


async def test_pilots_annotations_show_on_the_map_from_close_up(page: Page, site: Site) -> None:
    code = "BFI"
    async with httpx.AsyncClient(base_url=site.url, timeout=15) as http:
        airport = (await http.get(f"/api/v1/airports/{code}")).json()
        note = {
            "latitude": airport["latitude"],
            "longitude": airport["longitude"],
            "label": "Self-serve fuel",
        }
        saved = await http.patch(
            f"/api/v1/airports/{code}",
            json={
                "annotations": {"value": [note], "base": airport["field_versions"]["annotations"]}
            },
        )
        assert saved.status_code == 200, saved.text
    everything = "?filters_tags=public,private"

    await page.goto(f"/{everything}#11/{airport['latitude']}/{airport['longitude']}")
    await wait_for_map(page)
    await expect(page.locator(".annotation")).to_have_count(0)  # not from afar

    await page.goto(f"/{everything}#14/{airport['latitude']}/{airport['longitude']}")
    await wait_for_map(page)
    label = page.locator(".annotation", has_text="Self-serve fuel")
    await expect(label).to_be_visible()
    await screenshot(page, "map-annotations")
