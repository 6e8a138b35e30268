"""A writer without an account passes the one-time check before the first write, with the
CAPTCHA on: the API answers VerificationRequired, the SPA shows the check, sends its answer to
POST /users/verification (checked by a local siteverify) and saves the change it was making.
Cloudflare's widget script is replaced by a stub that answers when its button is clicked."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import BrowserContext, Page, Route, expect

from tests.e2e.conftest import PASSING_CAPTCHA, Contexts, Site

WIDGET = """
window.turnstile = {
  render(element, options) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "I am a pilot";
    button.onclick = () => options.callback(%s);
    element.append(button);
    return "widget-1";
  },
  remove() {},
};
"""


async def _with_stub_widget(context: BrowserContext) -> None:
    async def answer(route: Route) -> None:
        await route.fulfill(content_type="text/javascript", body=WIDGET % repr(PASSING_CAPTCHA))

    await context.route("https://challenges.cloudflare.com/**", answer)


async def _edit_wifi(page: Page, text: str) -> None:
    # Empty, it waits in the "Add what you know" list; once written it is a card of its own.
    await page.get_by_role("button", name=re.compile(r"^(Add|Edit) WiFi Access$")).click()
    await page.get_by_label("WiFi Access", exact=True).fill(text)
    await page.get_by_role("button", name="Save WiFi Access").click()


async def test_a_first_anonymous_write_asks_for_the_check_once(
    new_context: Contexts, captcha_site: Site
) -> None:
    code = "ORS"
    async with httpx.AsyncClient(base_url=captcha_site.url, timeout=15) as http:
        assert (await http.get(f"/api/v1/airports/{code}")).status_code == 200
        meta = (await http.get("/api/v1/meta")).json()
    assert meta["client"]["captcha_site_key"] == "test-site-key"
    context = await new_context(base_url=captcha_site.url)
    await _with_stub_widget(context)
    page = await context.new_page()
    await page.goto(f"/airports/{code}")

    # Turning the check down keeps nothing and says so.
    await _edit_wifi(page, "Free WiFi in the pilot lounge")
    check = page.get_by_role("dialog", name="One quick check")
    await expect(check).to_be_visible()
    await check.get_by_role("button", name="Cancel").click()
    await expect(check).to_have_count(0)
    await expect(page.get_by_text("the check was not completed")).to_be_visible()
    async with httpx.AsyncClient(base_url=captcha_site.url, timeout=15) as http:
        untouched = (await http.get(f"/api/v1/airports/{code}")).json()
    assert untouched["wiki"]["wifi"]["text"] is None

    # Passing it saves the change that was waiting.
    await page.get_by_role("button", name="Save WiFi Access").click()
    await expect(check).to_be_visible()
    await check.get_by_role("button", name="I am a pilot").click()
    await expect(check).to_have_count(0)
    await expect(page.get_by_text("Saved!")).to_be_visible()
    async with httpx.AsyncClient(base_url=captcha_site.url, timeout=15) as http:
        detail = (await http.get(f"/api/v1/airports/{code}")).json()
    assert detail["wiki"]["wifi"]["text"] == "Free WiFi in the pilot lounge"

    # Once is enough.
    await page.reload()
    await _edit_wifi(page, "Free WiFi in the pilot lounge and the FBO")
    await expect(page.get_by_text("Saved!")).to_be_visible()
    await expect(check).to_have_count(0)
