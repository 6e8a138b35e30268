"""axe-core (WCAG 2.x A and AA rules) on the map (also with its offline packs open), an airport
page and the sign-in page, in the light and dark colour schemes, on a desktop and a phone: no
serious or critical violation.
Also the skip link: the first Tab stop, and it takes the keyboard to the page's main region."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from api.core.settings import PROJECT_ROOT
from tests.e2e.conftest import DESKTOP, Contexts, Site, screenshot
from tests.e2e.test_admin import api

AXE = PROJECT_ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# MapLibre draws the map in a <canvas>: axe reads no text or colour in it, and the markers it
# paints are not elements. Its own controls (zoom, compass, attribution) are still checked.
OUTSIDE_THE_MAP_CANVAS = [["canvas.maplibregl-canvas"]]


async def wait_until_drawn(page: Page, path: str) -> None:
    """What each page shows once loaded, so that axe judges the finished page."""
    if path == "/":
        await expect(page.locator("canvas.maplibregl-canvas")).to_be_visible()
        # Counted once the airports are loaded (the count is in the folded filters on a phone).
        await expect(
            page.get_by_role("status", include_hidden=True).filter(
                has_text=re.compile(r"airports? match")
            )
        ).to_have_count(1)
        await expect(page.get_by_test_id("map")).to_have_attribute(
            "data-idle", "true", timeout=20_000
        )
    elif path.startswith("/airports/"):
        await expect(page.get_by_role("heading", level=1)).to_contain_text("PAE - ")
        await expect(page.get_by_role("region", name="Before you land")).to_be_visible()
        await expect(page.get_by_role("region", name="Comments")).to_be_visible()
        await expect(page.locator(".airport-map canvas")).to_be_visible()
    else:
        await expect(page.get_by_role("heading", level=1)).to_be_visible()


async def serious_violations(page: Page) -> list[dict[str, Any]]:
    await page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    results = await page.evaluate(
        "([exclude, options]) => axe.run({include: [document], exclude}, options)",
        [OUTSIDE_THE_MAP_CANVAS, options],
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [(node["target"], node["failureSummary"]) for node in violation["nodes"][:4]],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/airports/PAE", "/login"])
async def test_no_serious_accessibility_violation(
    new_context: Contexts, path: str, scheme: str, viewport: dict[str, int]
) -> None:
    # The colour scheme as the system sets it (the app follows it until one is chosen);
    # Playwright injects axe inline, which the app's Content-Security-Policy refuses.
    context = await new_context(
        viewport=viewport,
        color_scheme=scheme,
        bypass_csp=True,
        is_mobile=viewport == PHONE,
        has_touch=viewport == PHONE,
    )
    page = await context.new_page()
    await page.goto(path)
    await expect(page.locator("html")).to_have_attribute("data-theme", scheme)
    await wait_until_drawn(page, path)
    found = await serious_violations(page)
    assert found == [], json.dumps(found, indent=1)


async def test_the_search_results_pass_axe_in_the_dark(new_context: Contexts) -> None:
    context = await new_context(viewport=PHONE, color_scheme="dark", bypass_csp=True)
    page = await context.new_page()
    await page.goto("/login")
    await page.get_by_role("combobox", name="Search airports").fill("vancouver")
    await expect(page.get_by_role("option").first).to_contain_text("CYVR")
    found = await serious_violations(page)
    assert found == [], json.dumps(found, indent=1)


async def test_primary_buttons_are_readable_in_the_dark(new_context: Contexts) -> None:
    """Dark mode's filled buttons were 3.2:1; WCAG AA asks 4.5:1 for their text."""
    context = await new_context(color_scheme="dark")
    page = await context.new_page()
    await page.goto("/login")
    button = page.locator("button.primary").first
    await expect(button).to_be_visible()
    ratio = await button.evaluate(
        """button => {
            const channels = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const luminance = (colour) => {
                const [r, g, b] = channels(colour).map((value) => {
                    const c = value / 255;
                    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
                });
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const style = getComputedStyle(button);
            const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)]
                .sort((a, b) => b - a);
            return (light + 0.05) / (dark + 0.05);
        }"""
    )
    assert ratio >= 4.5, ratio


@pytest.mark.parametrize("path", ["/airports/PAE", "/login"])
async def test_the_skip_link_is_the_first_tab_stop_and_reaches_the_content(
    page: Page, path: str
) -> None:
    await page.goto(path)
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_in_viewport()
    await page.keyboard.press("Enter")
    await expect(page.locator("#main")).to_be_focused()
    # The next Tab goes into the content, past the header's links.
    await page.keyboard.press("Tab")
    inside = await page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside


async def test_the_map_page_has_a_skip_target(page: Page) -> None:
    """The skip link on the map page needs the map engineer's `id="main"` on its main region."""
    await page.goto("/")
    await expect(page.locator("canvas.maplibregl-canvas")).to_be_visible()
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await expect(page.locator("#main")).to_have_count(1)
    hash_before = await page.evaluate("location.hash")
    await page.keyboard.press("Enter")
    await expect(page.locator("#main")).to_be_focused()
    # The map's position (in the hash) is left alone.
    assert await page.evaluate("location.hash") == hash_before


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_maps_offline_packs_pass_axe(new_context: Contexts, scheme: str) -> None:
    context = await new_context(
        viewport=PHONE, color_scheme=scheme, bypass_csp=True, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    # Paine Field, inside the sample sectional.
    await page.goto("/#12/47.91/-122.28")
    await wait_until_drawn(page, "/")
    await page.get_by_role("button", name="Offline").click()
    panel = page.get_by_role("region", name="Download for offline use")
    await expect(panel.get_by_role("heading", name="Charts Test")).to_be_visible()
    await expect(panel.get_by_role("link").first).to_be_visible()
    await screenshot(page, f"map-offline-phone-{scheme}")
    found = await serious_violations(page)
    assert found == [], json.dumps(found, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_a_users_admin_page_with_its_tokens_passes_axe(
    new_context: Contexts, site: Site, scheme: str
) -> None:
    async with api(site, site.known) as http:
        created = await http.post(
            "/api/v1/users/me/tokens", json={"name": f"axe {scheme}", "scopes": ["read"]}
        )
    assert created.status_code == 201, created.text
    try:
        context = await new_context(
            site.admin, viewport=PHONE, color_scheme=scheme, bypass_csp=True
        )
        page = await context.new_page()
        await page.goto(f"/admin/users/{site.known.user_id}")
        await expect(page.get_by_label("Reads a minute").first).to_be_visible()
        found = await serious_violations(page)
        assert found == [], json.dumps(found, indent=1)
    finally:
        async with api(site, site.known) as http:
            await http.delete(f"/api/v1/users/me/tokens/{created.json()['id']}")
