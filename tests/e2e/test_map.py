"""The map: the embedded base map and the chart layer render, airport markers show at every
zoom in their type's colour, filters live in the URL and clear to "no restriction", the count
of matching airports, search flies to an airport and opens its summary, the list of airports in
view, the first visit, the phone layout, adding an airport, the dark theme, and the offline
packs of the charts under the map's centre."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import httpx
from playwright.async_api import Page, Response, expect

from tests.e2e.conftest import Contexts, Site, screenshot
from tests.e2e.pixels import (
    AIRPORT_GREEN,
    DARK,
    HELIPORT_ORANGE,
    LIGHT,
    SELECTED_AMBER,
    centre_of,
    distinct_colours,
    map_picture,
    near,
    pixels_near,
    share_near,
    wait_for_map,
)

# Paine Field, inside the sample sectional's footprint.
OVER_THE_CHART = "#12/47.91/-122.28"
# Alberta: Canadian airports only, which no other browser test documents.
ALBERTA = "#7/53.5/-113.5"
# A country view of the sample: Washington, British Columbia, the Pacific and the 49th parallel.
COUNTRY = "#5/49/-118"
# Seattle's heliports and airports, every one drawn.
SEATTLE = "#9/47.55/-122.3"
# No airport of the sample has this tag: nothing matches.
NOTHING = "filters_tags=museum"


async def geojson_features(site: Site) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as http:
        meta = (await http.get("/api/v1/meta")).json()
        features: list[dict[str, Any]] = (await http.get(meta["airports_geojson_url"])).json()[
            "features"
        ]
    return features


def counted(features: list[dict[str, Any]], types: set[str] | None, access: set[str] | None) -> int:
    """The filters' rule, written again: an empty group (None) restricts nothing."""
    return sum(
        1
        for feature in features
        if (types is None or feature["properties"]["facility_type"] in types)
        and (access is None or access & set(feature["properties"]["tags"]))
    )


def channels_of(css: str) -> list[float]:
    """Red, green and blue (0–255) of a computed CSS colour: rgb(…) or color(srgb …)."""
    numbers = [float(value) for value in re.findall(r"[\d.]+", css)]
    return [value * 255 for value in numbers[:3]] if css.startswith("color(") else numbers[:3]


def size_text(count: int) -> str:
    """The SPA's file sizes, written again: decimal units, one decimal below ten."""
    if count < 1000:
        return f"{count} bytes"
    for power, unit in enumerate(("kB", "MB", "GB"), start=1):
        value = count / 1000**power
        shown = f"{value:.1f}".removesuffix(".0") if value < 9.95 else str(int(value + 0.5))
        if float(shown) < 1000:
            return f"{shown} {unit}"
    return f"{shown} GB"


def count_text(number: int) -> str:
    return f"{number:,} airport{'s' if number != 1 else ''} match{'es' if number == 1 else ''}"


async def test_the_first_view_shows_land_borders_and_coloured_markers(page: Page) -> None:
    await page.goto("/" + COUNTRY)
    await wait_for_map(page)
    await expect(page.get_by_test_id("map")).to_have_attribute(
        "data-basemap", re.compile("north-america-50m")
    )
    with_airports = await map_picture(page)
    await screenshot(page, "map-country")

    await page.goto(f"/?{NOTHING}{COUNTRY}")
    await wait_for_map(page)
    await expect(
        page.get_by_role("complementary", name="Map filters").get_by_role("status")
    ).to_have_text("0 airports match")
    without_airports = await map_picture(page)

    # Land and the Pacific, in the base map's colours, with or without airports over them.
    for picture in (with_airports, without_airports):
        assert share_near(picture, LIGHT["land"]) > 0.4, share_near(picture, LIGHT["land"])
        assert share_near(picture, LIGHT["water"]) > 0.05, share_near(picture, LIGHT["water"])
        # The border with Canada runs along the 49th parallel, the middle of the view.
        middle = picture.height // 2
        strip = picture.crop((0, middle - 3, picture.width, middle + 3))
        columns = {
            index % strip.width
            for index, pixel in enumerate(strip.get_flattened_data())
            if near(pixel, LIGHT["country"], 40)
        }
        assert len(columns) > picture.width / 2, len(columns)
    # The public airports of Washington, British Columbia and Alberta, green as the legend says.
    markers = pixels_near(with_airports, AIRPORT_GREEN)
    assert markers > 1_000, markers
    assert pixels_near(without_airports, AIRPORT_GREEN) < 20


async def test_the_base_map_can_be_left_out(page: Page) -> None:
    await page.goto("/?basemap=off" + COUNTRY)
    await wait_for_map(page)
    await expect(page.get_by_test_id("map")).to_have_attribute("data-basemap", "off")
    picture = await map_picture(page)
    assert share_near(picture, LIGHT["land"]) < 0.01
    assert pixels_near(picture, AIRPORT_GREEN) > 1_000


async def test_a_markers_colour_is_its_types_colour(page: Page) -> None:
    await page.goto(f"/?filters_facility_types=heliport&filters_tags={SEATTLE}")
    await wait_for_map(page)
    # The legend's swatch and the markers share one colour.
    swatch = await page.evaluate(
        """() => [...document.querySelectorAll('.filter-item')]
            .find((item) => item.textContent.includes('Heliports'))
            .querySelector('.swatch').style.background"""
    )
    assert swatch == "rgb({}, {}, {})".format(*HELIPORT_ORANGE), swatch
    heliports = await map_picture(page)
    await screenshot(page, "map-heliports")

    await page.goto(f"/?filters_facility_types=airport&filters_tags={SEATTLE}")
    await wait_for_map(page)
    airports = await map_picture(page)

    assert pixels_near(heliports, HELIPORT_ORANGE) > 300
    assert pixels_near(heliports, AIRPORT_GREEN) < 30
    assert pixels_near(airports, AIRPORT_GREEN) > 300
    assert pixels_near(airports, HELIPORT_ORANGE) < 30


async def test_markers_show_at_every_zoom_on_a_fresh_install(page: Page, site: Site) -> None:
    """The sample documents no airport: the default filters still show every public one."""
    features = await geojson_features(site)
    # Most of the sample is undocumented (other tests document a few airports): those count.
    undocumented = counted(
        [f for f in features if "populated" not in f["properties"]["tags"]], {"airport"}, {"public"}
    )
    assert undocumented > 100
    await page.goto("/#3.5/50/-110")
    await wait_for_map(page)
    await expect(
        page.get_by_role("complementary", name="Map filters").get_by_role("status")
    ).to_have_text(count_text(counted(features, {"airport"}, {"public"})))
    assert pixels_near(await map_picture(page), AIRPORT_GREEN) > 200


async def test_every_filter_group_clears_to_no_restriction(page: Page, site: Site) -> None:
    features = await geojson_features(site)
    await page.goto("/" + ALBERTA)
    await wait_for_map(page)
    status = page.get_by_role("complementary", name="Map filters").get_by_role("status")
    filters = page.get_by_role("complementary", name="Map filters")
    await expect(status).to_have_text(count_text(counted(features, {"airport"}, {"public"})))

    await filters.get_by_role("button", name=re.compile("^Type")).click()
    await filters.get_by_role("button", name="Clear (any type)").click()
    await expect(page).to_have_url(re.compile(r"filters_facility_types=(&|#|$)"))
    await expect(filters.get_by_role("button", name=re.compile("^Type"))).to_contain_text(
        "any type"
    )
    await expect(status).to_have_text(count_text(counted(features, None, {"public"})))

    await filters.get_by_role("button", name=re.compile("^Access")).click()
    await filters.get_by_role("button", name="Clear (any access)").click()
    await expect(status).to_have_text(count_text(len(features)))
    await wait_for_map(page)
    everything = pixels_near(await map_picture(page), AIRPORT_GREEN)

    # Unticking every type by hand is the same: no restriction, never an empty map.
    await page.goto("/?filters_facility_types=airport&filters_tags=public" + ALBERTA)
    await filters.get_by_role("button", name=re.compile("^Type")).click()
    await filters.get_by_role("checkbox", name="Airports").uncheck()
    await expect(status).to_have_text(count_text(counted(features, None, {"public"})))
    await wait_for_map(page)
    assert everything > 500, everything
    assert pixels_near(await map_picture(page), AIRPORT_GREEN) > 500


async def test_documented_is_an_ordinary_tag(page: Page, site: Site) -> None:
    features = await geojson_features(site)
    public = counted(features, {"airport"}, {"public"})
    written_about = counted(
        [f for f in features if "populated" in f["properties"]["tags"]], {"airport"}, {"public"}
    )
    assert written_about < public
    await page.goto("/" + ALBERTA)
    await wait_for_map(page)
    before = pixels_near(await map_picture(page), AIRPORT_GREEN)
    filters = page.get_by_role("complementary", name="Map filters")
    await filters.get_by_role("button", name=re.compile("^Tags")).click()
    documented = filters.get_by_role("checkbox", name="Documented", exact=True)
    await expect(documented).not_to_be_checked()

    await documented.check()
    await expect(page).to_have_url(re.compile(r"filters_tags=populated,public"))
    # Only the airports pilots wrote about (the sample has none; other tests write some).
    await expect(
        page.get_by_role("complementary", name="Map filters").get_by_role("status")
    ).to_have_text(count_text(written_about))
    await wait_for_map(page)
    assert pixels_near(await map_picture(page), AIRPORT_GREEN) < before

    await documented.uncheck()
    await expect(documented).not_to_be_checked()
    await expect(page).not_to_have_url(re.compile(r"filters_tags"))
    await expect(
        page.get_by_role("complementary", name="Map filters").get_by_role("status")
    ).to_have_text(count_text(public))
    await wait_for_map(page)
    assert pixels_near(await map_picture(page), AIRPORT_GREEN) == before


async def test_old_links_keep_their_filters(page: Page, site: Site) -> None:
    features = await geojson_features(site)
    await page.goto("/?filters_facility_types=airport,heliport&filters_tags=private" + ALBERTA)
    await wait_for_map(page)
    filters = page.get_by_role("complementary", name="Map filters")
    await filters.get_by_role("button", name=re.compile("^Access")).click()
    await expect(filters.get_by_role("checkbox", name="Private", exact=True)).to_be_checked()
    await expect(filters.get_by_role("checkbox", name="Public", exact=True)).not_to_be_checked()
    await expect(
        page.get_by_role("complementary", name="Map filters").get_by_role("status")
    ).to_have_text(count_text(counted(features, {"airport", "heliport"}, {"private"})))


async def test_the_chart_layer_renders_and_the_button_says_what_it_does(page: Page) -> None:
    ranges: list[tuple[int, str]] = []

    def read(response: Response) -> None:
        if response.url.endswith(".pmtiles"):
            ranges.append((response.status, response.request.headers.get("range", "")))

    page.on("response", read)
    await page.goto("/" + OVER_THE_CHART)
    await wait_for_map(page)
    with_chart = await map_picture(page)
    await screenshot(page, "map-chart")
    # The chart comes from the layer's PMTiles archive, a byte range at a time.
    assert ranges, "the map read no chart archive"
    assert {status for status, _ in ranges} == {206}, ranges
    assert all(asked.startswith("bytes=") for _, asked in ranges), ranges

    hide = page.get_by_role("button", name="Hide charts")
    await expect(hide).to_have_attribute("aria-pressed", "true")
    await hide.click()
    await expect(page).to_have_url(re.compile(r"charts=off"))
    await expect(page).not_to_have_url(re.compile(r"layer="))
    show = page.get_by_role("button", name="Show charts")
    await expect(show).to_have_attribute("aria-pressed", "false")
    await page.wait_for_timeout(600)  # the chart fades out in 300 ms
    await wait_for_map(page)
    without_chart = await map_picture(page)
    await screenshot(page, "map-without-chart")

    # A sectional is a busy picture; the base map under it here is a few flat colours.
    assert distinct_colours(with_chart) > 2_000, distinct_colours(with_chart)
    assert distinct_colours(without_chart) < 1_000, distinct_colours(without_chart)

    await show.click()
    await expect(page).not_to_have_url(re.compile(r"charts="))
    await expect(page.get_by_role("button", name="Hide charts")).to_be_visible()

    # Older links said the charts were off with layer=satellite.
    await page.goto("/?layer=satellite" + OVER_THE_CHART)
    await expect(page.get_by_role("button", name="Show charts")).to_be_visible()


async def test_the_offline_packs_of_the_chart_under_the_map_download(
    page: Page, site: Site
) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=15) as http:
        listed = (await http.get("/api/v1/offline-packs")).json()
    [pack] = [pack for pack in listed["packs"] if pack["title"] == "Charts Test"]
    [mbtiles] = [file for file in pack["files"] if file["format"] == "mbtiles"]
    await page.goto("/" + OVER_THE_CHART)
    await wait_for_map(page)

    button = page.get_by_role("button", name="Offline")
    await expect(button).to_have_attribute("aria-expanded", "false")
    await button.click()
    await expect(button).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("region", name="Download for offline use")
    await expect(panel).to_be_focused()
    item = panel.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Charts Test", level=3)
    )
    await expect(item).to_contain_text("Sectional chart · cycle of Dec 26, 2024")
    size = r" · \d+(\.\d)? (kB|MB)$"
    for label in (
        r"Chart tiles \(MBTiles, for EFBs and QGIS\)",
        r"Chart tiles \(PMTiles\)",
        r"Airports \(GeoPackage\)",
        r"Airport diagrams \(PDF, zip\)",
    ):
        await expect(item.get_by_role("link", name=re.compile("^" + label + size))).to_be_visible()
    await screenshot(page, "map-offline")

    # The link says the size of the file listed, and downloads it byte for byte.
    link = item.get_by_role("link", name=re.compile(r"^Chart tiles \(MBTiles"))
    await expect(link).to_have_accessible_name(
        re.compile(re.escape(size_text(mbtiles["bytes"])) + "$")
    )
    await expect(link).to_have_attribute("download", "")
    href = await link.get_attribute("href")
    assert href is not None
    assert href == mbtiles["url"], href
    download = await page.request.get(href)
    assert download.status == 200
    body = await download.body()
    assert len(body) == mbtiles["bytes"]
    assert hashlib.sha256(body).hexdigest() == mbtiles["sha256"]

    # The panel follows the map: over Alberta no chart of the sample, and no pack.
    await page.evaluate(f"location.hash = '{ALBERTA}'")
    await expect(panel).to_contain_text("No offline pack covers this place yet")
    await expect(panel.get_by_role("link")).to_have_count(0)
    await panel.get_by_role("button", name="Close").focus()
    await page.keyboard.press("Escape")
    await expect(panel).to_have_count(0)
    await expect(button).to_be_focused()
    await expect(button).to_have_attribute("aria-expanded", "false")

    # Opened over Alberta, the same.
    await page.goto("/" + ALBERTA)
    await wait_for_map(page)
    await page.get_by_role("button", name="Offline").click()
    await expect(panel).to_contain_text("No offline pack covers this place yet")


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
    await expect(drawer).to_contain_text(re.compile("paine field", re.IGNORECASE))
    # The map flew there: the position in the hash is Paine Field's.
    await expect(page).to_have_url(
        re.compile(r"#1[0-3](\.\d+)?/47\.9\d*/-122\.2\d*"), timeout=10_000
    )
    await wait_for_map(page)
    picture = await map_picture(page)
    assert pixels_near(picture, SELECTED_AMBER) > 30
    # In the middle of the map, which the details sit beside.
    centre = centre_of(picture, SELECTED_AMBER)
    assert centre is not None
    assert abs(centre[0] - picture.width / 2) < 25, (centre, picture.size)
    assert abs(centre[1] - picture.height / 2) < 25, (centre, picture.size)
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


async def test_the_map_is_a_few_tab_presses_away(page: Page) -> None:
    """Past the header (its skip link leads to the map page's main part), the filters are
    folded: a few presses of Tab reach the map itself."""
    await page.goto("/" + OVER_THE_CHART)
    await wait_for_map(page)
    await page.locator("#main").focus()
    presses = 0
    while presses < 40:
        await page.keyboard.press("Tab")
        presses += 1
        if await page.evaluate("document.activeElement?.classList.contains('maplibregl-canvas')"):
            break
    assert presses <= 5, presses


async def test_the_airports_in_view_open_with_the_keyboard(page: Page) -> None:
    await page.goto("/" + OVER_THE_CHART)
    await wait_for_map(page)
    filters = page.get_by_role("complementary", name="Map filters")
    disclosure = filters.get_by_role("button", name="List airports in view")
    await disclosure.focus()
    await page.keyboard.press("Enter")
    await expect(disclosure).to_have_attribute("aria-expanded", "true")
    paine = filters.get_by_role("button", name=re.compile(r"^PAE Airport$"))
    await expect(paine).to_be_visible()
    await screenshot(page, "map-airports-in-view")
    await paine.focus()
    await page.keyboard.press("Enter")

    await expect(page).to_have_url(re.compile(r"airport=PAE"))
    drawer = page.get_by_role("complementary", name="Details")
    await expect(drawer).to_contain_text(re.compile("paine field", re.IGNORECASE))
    # The keyboard is in the details (their heading takes it once the airport is loaded).
    await expect(page.locator("aside.drawer:focus-within")).to_have_count(1)
    await page.keyboard.press("Escape")
    await expect(drawer).to_have_count(0)
    await expect(paine).to_be_focused()


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
    await page.get_by_role("button", name=re.compile("^Filters")).click()
    await expect(filters).to_be_in_viewport()
    await expect(filters.get_by_role("button", name="Show the map")).to_be_focused()
    await filters.get_by_role("button", name="Show the map").click()
    await expect(filters).not_to_be_in_viewport()
    drawer = page.get_by_role("complementary", name="Details")
    await expect(drawer).to_contain_text("PAE")
    box = await drawer.bounding_box()
    assert box is not None
    assert box["width"] >= 380, box
    assert box["y"] > 300, box  # a sheet over the lower part of the map
    # The airport is in the middle of the part of the map above the sheet.
    await expect(page).to_have_url(re.compile(r"#1[0-3](\.\d+)?/47\.9"), timeout=10_000)
    await wait_for_map(page)
    picture = await map_picture(page)
    map_box = await page.get_by_test_id("map").bounding_box()
    assert map_box is not None
    centre = centre_of(picture, SELECTED_AMBER)
    assert centre is not None
    visible = (box["y"] - map_box["y"]) * picture.height / map_box["height"]
    assert abs(centre[1] - visible / 2) < 30, (centre, visible)
    assert abs(centre[0] - picture.width / 2) < 25, (centre, picture.size)
    await screenshot(page, "map-phone")


async def test_a_new_airport_is_on_the_map_without_a_reload(page: Page, site: Site) -> None:
    everything = "?filters_facility_types=&filters_tags="
    await page.goto(f"/{everything}#13/47.3/-121.5")
    await wait_for_map(page)
    features = await geojson_features(site)
    status = page.get_by_role("complementary", name="Map filters").get_by_role("status")
    await expect(status).to_have_text(count_text(len(features)))
    await page.get_by_role("button", name="Add an airport").click()
    form = page.get_by_role("form", name="Add an airport")
    # Asked for when the server cannot look it up from terrain data, optional when it can.
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as http:
        online = (await http.get("/api/v1/meta")).json()["client"]["terrain_elevation"]
    hint = "^Left empty, Pirep looks it up" if online else "^Please give it"
    elevation = form.get_by_label("Elevation (feet)")
    await expect(elevation).to_have_accessible_description(re.compile(hint))
    await form.get_by_label("Airport name").fill("Cougar Mountain Strip")
    await form.get_by_role("button", name="Add the airport").click()
    await expect(form).to_contain_text("Click the map where the airport is first.")

    await page.get_by_test_id("map").click(position={"x": 300, "y": 300})
    await expect(form).to_contain_text("now 47.")
    await form.get_by_label("Closed").check()
    await form.get_by_role("button", name="Add the airport").click()

    await expect(page).to_have_url(re.compile(r"airport=UNM\d\d"))
    code = re.search(r"airport=(UNM\d\d)", page.url)
    assert code is not None
    drawer = page.get_by_role("complementary", name="Details")
    await expect(drawer).to_contain_text("Cougar Mountain Strip")
    # Counted and drawn (selected, in amber) from the map's new GeoJSON, with no reload.
    await expect(status).to_have_text(count_text(len(features) + 1))
    await wait_for_map(page)
    assert pixels_near(await map_picture(page), SELECTED_AMBER) > 30
    await drawer.get_by_role("button", name="Close").click()
    list_button = page.get_by_role("button", name="List airports in view")
    await list_button.click()
    await expect(page.get_by_role("button", name=re.compile(f"^{code.group(1)} "))).to_be_visible()


async def test_the_colour_scheme_is_chosen_in_the_menu_and_remembered(page: Page) -> None:
    await page.goto("/" + COUNTRY)
    await wait_for_map(page)
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_label("Colour scheme").select_option("dark")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    # The open map takes the dark colours at once.
    await wait_for_map(page)
    await page.wait_for_timeout(300)
    assert share_near(await map_picture(page), DARK["land"]) > 0.4
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(17, 21, 27)", background
    await wait_for_map(page)
    picture = await map_picture(page)
    assert share_near(picture, DARK["land"]) > 0.4, share_near(picture, DARK["land"])
    assert share_near(picture, DARK["water"]) > 0.05, share_near(picture, DARK["water"])
    assert pixels_near(picture, AIRPORT_GREEN) > 1_000
    # MapLibre's own controls are dark too.
    for selector in (".maplibregl-ctrl-group", ".maplibregl-ctrl-attrib", ".maplibregl-ctrl-scale"):
        colour = await page.evaluate(
            f"getComputedStyle(document.querySelector('{selector}')).backgroundColor"
        )
        assert max(channels_of(colour)) < 80, (selector, colour)
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
    everything = "?filters_tags="

    await page.goto(f"/{everything}#11/{airport['latitude']}/{airport['longitude']}")
    await wait_for_map(page)
    await expect(page.locator(".annotation")).to_have_count(0)  # not from afar

    await page.goto(f"/{everything}#14/{airport['latitude']}/{airport['longitude']}")
    await wait_for_map(page)
    label = page.locator(".annotation", has_text="Self-serve fuel")
    await expect(label).to_be_visible()
    await screenshot(page, "map-annotations")


AXE = "frontend/node_modules/axe-core/axe.min.js"


async def test_the_map_page_passes_axe_in_both_themes(new_context: Contexts) -> None:
    """Serious and critical violations inside the map page's own part (the header is the
    Layout's, checked with every page in test_accessibility.py)."""
    from api.core.settings import PROJECT_ROOT

    for scheme in ("light", "dark"):
        # Playwright injects axe inline, which the app's Content-Security-Policy refuses.
        context = await new_context(bypass_csp=True)
        await context.add_init_script(
            f"try {{ localStorage.setItem('colour-scheme', '{scheme}') }} catch {{}}"
        )
        page = await context.new_page()
        await page.goto("/" + OVER_THE_CHART)
        await wait_for_map(page)
        filters = page.get_by_role("complementary", name="Map filters")
        for name in ("^Type", "^Access", "^Tags", "^List airports in view"):
            await filters.get_by_role("button", name=re.compile(name)).click()
        await expect(filters.get_by_role("button", name=re.compile(r"^PAE "))).to_be_visible()
        await page.add_script_tag(path=str(PROJECT_ROOT / AXE))
        results = await page.evaluate(
            "axe.run({include: [['.map-body']]}, {resultTypes: ['violations']})"
        )
        serious = [
            (violation["id"], [node["target"] for node in violation["nodes"]][:5])
            for violation in results["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], (scheme, serious)


async def test_the_originals_map_links_still_work(page: Page, site: Site) -> None:
    features = await geojson_features(site)
    # /map was the original's address of the map; public_ and private_ its names of the tags.
    await page.goto("/map?filters_facility_types=airport&filters_tags=private_")
    await expect(page).to_have_url(re.compile(r"/\?filters_facility_types=airport&filters_tags="))
    status = page.get_by_role("complementary", name="Map filters").get_by_role("status")
    await expect(status).to_have_text(count_text(counted(features, {"airport"}, {"private"})))
    await page.goto("/map?filters_tags=public_,private_")
    await expect(status).to_have_text(
        count_text(counted(features, {"airport"}, {"public", "private"}))
    )
