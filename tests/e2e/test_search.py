"""The search box against the real server: the best airport first, what tells results apart
(code, name, city and state or country, type), Enter on the text as typed (never the previous
text's answer), the list across a phone's screen, and from the map, the focus on the airport
opened."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from tests.e2e.conftest import Contexts, screenshot

PHONE = {"width": 390, "height": 844}


def search_box(page: Page) -> Locator:
    return page.get_by_role("combobox", name="Search airports")


async def test_vancouver_lists_cyvr_first_with_its_city_and_type(page: Page) -> None:
    await page.goto("/about")
    await search_box(page).fill("vancouver")
    options = page.get_by_role("listbox", name="Matching airports").get_by_role("option")
    await expect(options.first).to_contain_text("CYVR")
    await expect(options.first).to_contain_text("CYVR Vancouver International Airport")
    await expect(options.first.locator(".result-details")).to_have_text(
        "Vancouver, British Columbia · Airport"
    )
    # The other Vancouver (Washington) is told apart by its state.
    await expect(options.filter(has_text="Vancouver, WA").first).to_be_visible()
    # A seaplane base says so.
    await expect(options.filter(has_text="Seaplane Base").first).to_be_visible()


async def test_toronto_lists_cyyz_first(page: Page) -> None:
    await page.goto("/about")
    await search_box(page).fill("toronto")
    first = page.get_by_role("option").first
    await expect(first).to_contain_text("CYYZ Toronto Pearson International Airport")
    await expect(first).to_contain_text("Toronto, Ontario · Airport")


async def test_enter_right_after_typing_opens_the_best_match_for_that_text(page: Page) -> None:
    await page.goto("/about")
    box = search_box(page)
    # An earlier search leaves its list on screen.
    await box.fill("paine")
    await expect(page.get_by_role("option").first).to_contain_text("PAE")
    # Typing another name and pressing Enter at once, before the list catches up.
    await box.fill("vancouver")
    await box.press("Enter")
    await expect(page).to_have_url(re.compile(r"/airports/CYVR$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("CYVR - ")

    # The same from an empty box, with nothing listed yet.
    await box.fill("toronto")
    await box.press("Enter")
    await expect(page).to_have_url(re.compile(r"/airports/CYYZ$"))


async def test_the_keyboard_moves_through_the_current_list(page: Page) -> None:
    await page.goto("/about")
    box = search_box(page)
    await box.fill("vancouver")
    options = page.get_by_role("option")
    await expect(options.first).to_contain_text("CYVR")
    await box.press("ArrowDown")
    await expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    second = await options.nth(1).get_attribute("id")
    await expect(box).to_have_attribute("aria-activedescendant", second or "")
    code = (await options.nth(1).locator(".result-code").inner_text()).strip()
    await box.press("Enter")
    await expect(page).to_have_url(re.compile(rf"/airports/{code}$"))


async def test_on_a_phone_the_results_span_the_screen(new_context: Contexts) -> None:
    context = await new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto("/about")
    box = search_box(page)
    await box.fill("vancouver")
    listbox = page.get_by_role("listbox", name="Matching airports")
    await expect(listbox.get_by_role("option").first).to_contain_text("CYVR")
    area = await listbox.bounding_box()
    field = await box.bounding_box()
    assert area is not None
    assert field is not None
    assert area["x"] <= 1, area
    assert area["width"] >= PHONE["width"] - 2, area
    assert area["width"] > field["width"] + 100, (area, field)
    # Each result reads on one or two lines, not one word a line.
    option = await listbox.get_by_role("option").first.bounding_box()
    assert option is not None
    assert option["height"] < 80, option
    await screenshot(page, "search-phone")


async def test_a_result_chosen_on_the_map_takes_the_focus_to_the_airport(page: Page) -> None:
    await page.goto("/")
    box = search_box(page)
    await box.fill("toronto")
    await box.press("Enter")
    await expect(page).to_have_url(re.compile(r"airport=CYYZ"))
    drawer = page.get_by_role("complementary", name="Details")
    heading = drawer.get_by_role("heading", name=re.compile(r"^CYYZ - Toronto Pearson"))
    await expect(heading).to_be_focused()
    # The link to the airport's page is clear of the drawer's close button.
    more = await drawer.get_by_role("link", name="More about CYYZ").bounding_box()
    close = await drawer.get_by_role("button", name="Close").bounding_box()
    assert more is not None
    assert close is not None
    overlap_x = more["x"] < close["x"] + close["width"] and close["x"] < more["x"] + more["width"]
    overlap_y = more["y"] < close["y"] + close["height"] and close["y"] < more["y"] + more["height"]
    assert not (overlap_x and overlap_y), (more, close)
    # The essentials for landing are in the panel.
    for fact in ("Elevation", "Fuel", "Radio", "Sun today"):
        await expect(drawer.get_by_text(fact, exact=True)).to_be_visible()
    await expect(drawer.get_by_text(re.compile(r"^(Longest runways|Runways?)$"))).to_be_visible()


async def test_events_and_weather_filters_are_kept_in_the_address(page: Page) -> None:
    await page.goto("/search")
    await page.get_by_label("Event going on or starting").select_option(label="Within 30 days")
    await page.get_by_role("checkbox", name=re.compile(r"^VFR")).check()
    await page.get_by_role("checkbox", name=re.compile(r"^IFR")).check()
    await page.get_by_role("button", name="Search", exact=True).click()
    await expect(page).to_have_url(re.compile(r"events_within_days=30"))
    url = page.url
    assert "flight_category=VFR" in url
    assert "flight_category=IFR" in url
    # Opened again from the address, the form shows the same filters.
    await page.goto(url)
    await expect(page.get_by_label("Event going on or starting")).to_have_value("30")
    await expect(page.get_by_role("checkbox", name=re.compile(r"^VFR"))).to_be_checked()
    await expect(page.get_by_role("checkbox", name=re.compile(r"^MVFR"))).not_to_be_checked()
