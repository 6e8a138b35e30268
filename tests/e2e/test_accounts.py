"""Accounts and the public pages: signing up with the mailed confirmation, staying signed in,
settings, API tokens, logging out, a wrong password, a password reset, deleting an account,
logging in back to where one was; the advanced search, the leaderboard and a profile, About
and Page not found."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.async_api import Locator, Page, expect

from api.dependencies import CSRF_HEADER
from tests.api.conftest import PASSWORD, Person
from tests.e2e.conftest import Contexts, Site, screenshot

LOGIN_FAILED = (
    "The email or password is wrong, or the account is locked (reset the password to unlock it)."
)


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def new_email() -> str:
    return f"pilot-{uuid.uuid4().hex[:10]}@example.com"


def api(
    site: Site, person: Person | None = None, headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """An HTTP client of the running server, with a person's session cookie and CSRF header."""
    return httpx.AsyncClient(
        base_url=site.url,
        cookies=person.cookies if person else None,
        headers={**(person.headers if person else {}), **(headers or {})},
        timeout=15,
    )


async def mailed_link(site: Site, address: str, path: str) -> str:
    return await asyncio.to_thread(site.link_in_mail, address, path)


async def new_account(site: Site, display_name: str | None = None) -> Person:
    """A confirmed account made through the API, signed in: its session cookie and CSRF header."""
    email = new_email()
    async with api(site) as http:
        registered = await http.post(
            "/api/v1/users",
            json={"email": email, "password": PASSWORD, "display_name": display_name},
        )
        assert registered.status_code == 202, registered.text
        link = await mailed_link(site, email, "/confirm-email")
        token = parse_qs(urlsplit(link).query)["token"][0]
        confirmed = await http.post("/api/v1/users/confirmation", json={"token": token})
        assert confirmed.status_code == 200, confirmed.text
        signed_in = await http.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        body = signed_in.json()
        return Person(
            role="known",
            address="127.0.0.1",
            user_id=uuid.UUID(body["user"]["id"]),
            email=email,
            cookies=dict(http.cookies),
            headers={CSRF_HEADER: body["csrf_token"]},
        )


async def new_account_session(site: Site, email: str, password: str) -> dict[str, str]:
    """The cookies of one more session of an account, as if signed in on another device."""
    async with api(site) as http:
        answer = await http.post("/api/v1/sessions", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        return dict(http.cookies)


async def log_in(page: Page, email: str, password: str) -> None:
    """Fill in and send the login form of the page open at /login."""
    await expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


def header_link(page: Page, name: str) -> Locator:
    return page.get_by_role("banner").get_by_role("link", name=name, exact=True)


# Accounts ------------------------------------------------------------------------------------


async def test_a_pilot_signs_up_confirms_the_mail_and_stays_signed_in_after_a_reload(
    page: Page, site: Site
) -> None:
    email, name = new_email(), unique("Skyhawk")
    await page.goto("/login")
    await page.get_by_role("link", name="Sign up").click()
    await expect(page).to_have_url(re.compile(r"/signup$"))
    await expect(page.get_by_role("heading", name="Sign up", level=1)).to_be_visible()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Display name").fill(name)
    await page.get_by_label("Password").fill("a brand new password")
    await page.get_by_role("button", name="Sign up").click()
    await expect(
        page.get_by_role("heading", name="Check your mail to confirm your address")
    ).to_be_visible()
    await expect(page.get_by_role("status")).to_contain_text(email)

    link = await mailed_link(site, email, "/confirm-email")
    assert link.startswith(site.url + "/confirm-email?token="), link
    await page.goto(link)
    await expect(
        page.get_by_role("heading", name="Your email address is confirmed")
    ).to_be_visible()
    await expect(page.get_by_text(f"Thank you, {name}.")).to_be_visible()

    await page.get_by_role("link", name="log in", exact=True).click()
    await log_in(page, email, "a brand new password")
    await expect(page).to_have_url(re.compile(r"/(#.*)?$"))
    await expect(header_link(page, name)).to_be_visible()

    # After a reload the SPA asks GET /api/v1/sessions/current for the user and CSRF token.
    await page.goto("/account")
    async with page.expect_response(
        lambda response: response.url.endswith("/api/v1/sessions/current")
    ) as current:
        await page.reload()
    session = await (await current.value).json()
    assert session["user"]["email"] == email
    assert session["csrf_token"]
    await expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    await expect(header_link(page, name)).to_be_visible()
    await expect(page.get_by_text(email)).to_be_visible()

    # A write after the reload: it only passes with the CSRF token of the session.
    renamed = unique("Cardinal")
    await page.get_by_label("Display name").fill(renamed)
    await page.get_by_label("Time zone").select_option("America/Los_Angeles")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    await expect(header_link(page, renamed)).to_be_visible()
    await expect(page.get_by_role("heading", name=renamed, level=2)).to_be_visible()
    await screenshot(page, "account")

    await page.reload()
    await expect(page.get_by_label("Display name")).to_have_value(renamed)
    await expect(page.get_by_label("Time zone")).to_have_value("America/Los_Angeles")
    async with api(site) as http:
        signed_in = await http.post(
            "/api/v1/sessions", json={"email": email, "password": "a brand new password"}
        )
    user = signed_in.json()["user"]
    assert (user["display_name"], user["timezone"]) == (renamed, "America/Los_Angeles")
    assert user["confirmed"] is True


async def test_a_confirmation_link_works_once(page: Page, site: Site) -> None:
    pilot = await new_account(site)  # confirmed through the API with the mailed link
    link = await mailed_link(site, pilot.email or "", "/confirm-email")
    await page.goto(link)
    await expect(page.get_by_role("alert")).to_have_text(
        "The confirmation link is invalid, used or expired; ask for a new one."
    )
    await expect(page.get_by_role("button", name="Resend the confirmation")).to_be_visible()


async def test_an_api_token_works_with_httpx_until_it_is_revoked(
    new_context: Contexts, site: Site
) -> None:
    pilot = await new_account(site, unique("Token pilot"))
    page = await (await new_context(pilot)).new_page()
    await page.goto("/account")
    await expect(page.get_by_text("You have no API token.")).to_be_visible()
    await page.get_by_label("Token name").fill("flight planner")
    await page.get_by_role("button", name="Create token").click()
    code = page.get_by_label("New token")
    await expect(code).to_be_visible()
    token = (await code.text_content() or "").strip()
    assert len(token) > 20, token

    bearer = {"Authorization": f"Bearer {token}"}
    async with api(site, headers=bearer) as http:
        me = await http.get("/api/v1/users/me")
    assert me.status_code == 200, me.text
    assert me.json()["email"] == pilot.email

    row = page.get_by_role("row").filter(has_text="flight planner")
    await expect(row).to_contain_text("read")
    await row.get_by_role("button", name="Revoke").click()
    await expect(
        page.get_by_role("status").filter(has_text="The token is revoked.")
    ).to_be_visible()
    await expect(row).to_have_count(0)
    await expect(code).to_have_count(0)

    async with api(site, headers=bearer) as http:
        refused = await http.get("/api/v1/users/me")
    assert refused.status_code == 401, refused.text


async def test_a_new_password_signs_out_the_other_sessions(
    new_context: Contexts, site: Site
) -> None:
    pilot = await new_account(site, unique("Careful"))
    elsewhere = await new_account_session(site, pilot.email or "", PASSWORD)
    page = await (await new_context(pilot)).new_page()
    await page.goto("/account")
    card = page.get_by_role("region", name="Change your password")
    await card.get_by_label("Current password").fill("not my password")
    await card.get_by_label("New password").fill("a changed password")
    await card.get_by_role("button", name="Change password").click()
    await expect(page.get_by_role("alert")).to_have_text("The current password is wrong.")

    await card.get_by_label("Current password").fill(PASSWORD)
    await card.get_by_label("New password").fill("a changed password")
    await card.get_by_role("button", name="Change password").click()
    await expect(page.get_by_role("status").filter(has_text="password is changed")).to_have_text(
        "Your password is changed. Your other sessions were logged out."
    )
    await expect(card.get_by_label("Current password")).to_have_value("")

    async with api(site) as http:
        http.cookies.update(elsewhere)
        other = await http.get("/api/v1/sessions/current")
        assert other.status_code == 401  # the other browser is signed out
        http.cookies.clear()
        old = {"email": pilot.email, "password": PASSWORD}
        assert (await http.post("/api/v1/sessions", json=old)).status_code == 401
        new = {"email": pilot.email, "password": "a changed password"}
        assert (await http.post("/api/v1/sessions", json=new)).status_code == 200
    await page.reload()  # this browser's session is kept
    await expect(page.get_by_role("heading", name="Change your password")).to_be_visible()


async def test_logging_out_ends_the_session(new_context: Contexts, site: Site) -> None:
    name = unique("Leaving pilot")
    pilot = await new_account(site, name)
    page = await (await new_context(pilot)).new_page()
    await page.goto("/account")
    await expect(header_link(page, name)).to_be_visible()

    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/(#.*)?$"))
    await expect(header_link(page, "Log in")).to_be_visible()
    await page.goto("/account")
    await expect(page.get_by_text("You are not logged in.")).to_be_visible()
    async with api(site, pilot) as http:
        assert (await http.get("/api/v1/sessions/current")).status_code == 401


async def test_a_wrong_password_shows_the_apis_error(page: Page, site: Site) -> None:
    pilot = await new_account(site, unique("Clumsy"))
    await page.goto("/login")
    await log_in(page, pilot.email or "", "not the password at all")
    await expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)
    await expect(page).to_have_url(re.compile(r"/login$"))
    await expect(header_link(page, "Log in")).to_be_visible()


async def test_a_forgotten_password_is_reset_through_the_mailed_link(
    page: Page, site: Site
) -> None:
    pilot = await new_account(site, unique("Forgetful"))
    email = pilot.email or ""
    await page.goto("/login")
    await page.get_by_role("link", name="Forgot your password?").click()
    await expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    await page.get_by_label("Email").fill(email)
    await page.get_by_role("button", name="Send the link").click()
    await expect(page.get_by_role("status")).to_contain_text(email)

    link = await mailed_link(site, email, "/reset-password")
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    await page.get_by_label("New password").fill("my new longer password")
    await page.get_by_role("button", name="Set the new password").click()
    await expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()

    await page.get_by_role("link", name="log in", exact=True).click()
    await log_in(page, email, PASSWORD)
    await expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)
    await page.get_by_label("Password").fill("my new longer password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/(#.*)?$"))
    await page.goto("/account")
    await expect(page.get_by_text(email)).to_be_visible()


async def test_a_bad_reset_link_says_so_and_offers_a_new_one(page: Page) -> None:
    await page.goto("/reset-password?token=not-a-real-token")
    await page.get_by_label("New password").fill("my new longer password")
    await page.get_by_role("button", name="Set the new password").click()
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text(
        "The reset link is invalid, used or expired; ask for a new one."
    )
    await alert.get_by_role("link", name="Ask for a new link").click()
    await expect(page.get_by_role("button", name="Send the link")).to_be_visible()


async def test_a_deleted_account_can_no_longer_log_in(new_context: Contexts, site: Site) -> None:
    pilot = await new_account(site, unique("Departing"))
    page = await (await new_context(pilot)).new_page()
    await page.goto("/account")
    await page.get_by_label("Confirm with your password").fill("a wrong password")
    await page.get_by_role("button", name="Delete my account").click()
    await expect(page.get_by_role("alert")).to_have_text("The current password is wrong.")

    await page.get_by_label("Confirm with your password").fill(PASSWORD)
    await page.get_by_role("button", name="Delete my account").click()
    await expect(page).to_have_url(re.compile(r"/(#.*)?$"))
    await expect(header_link(page, "Log in")).to_be_visible()

    await page.goto("/login")
    await log_in(page, pilot.email or "", PASSWORD)
    await expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)
    async with api(site) as http:
        answer = await http.post(
            "/api/v1/sessions", json={"email": pilot.email, "password": PASSWORD}
        )
        assert answer.status_code == 401
        assert (await http.get(f"/api/v1/users/{pilot.user_id}")).status_code == 404


async def test_logging_in_returns_to_the_page_asked_for(page: Page, site: Site) -> None:
    pilot = await new_account(site, unique("Returning"))
    await page.goto("/login?next=/leaderboard")
    await log_in(page, pilot.email or "", PASSWORD)
    await expect(page).to_have_url(re.compile(r"/leaderboard$"))
    await expect(page.get_by_role("heading", name="Leaderboard", level=1)).to_be_visible()


async def test_logging_in_never_goes_on_to_another_site(page: Page, site: Site) -> None:
    pilot = await new_account(site)
    await page.goto("/login?next=//example.com/phish")
    await log_in(page, pilot.email or "", PASSWORD)
    await expect(page).to_have_url(re.compile(rf"^{re.escape(site.url)}/(#.*)?$"))


# The public pages ----------------------------------------------------------------------------


async def search_page(site: Site, page_number: int) -> dict[str, Any]:
    async with api(site) as http:
        answer = await http.get(
            "/api/v1/airports",
            params={
                "near": "PAE",
                "within_nm": 35,
                "facility_type": "airport",
                "page": page_number,
            },
        )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def card_titles(body: dict[str, Any]) -> list[str]:
    return [f"{result['code']} - {result['name']}" for result in body["results"]]


async def test_the_advanced_search_near_an_airport_pages_and_survives_a_reload(
    page: Page, site: Site
) -> None:
    first, second = await search_page(site, 1), await search_page(site, 2)
    assert first["total"] > first["per_page"], first["total"]  # more than one page
    assert first["results"][0]["code"] == "PAE"

    await page.goto("/search")
    await page.get_by_label("Near airport (code)").fill("pae")
    await page.get_by_label("Within (NM)").fill("35")
    await page.get_by_role("button", name="Search", exact=True).click()

    await expect(page).to_have_url(re.compile(r"/search\?near=PAE&within_nm=35$"))
    results = page.get_by_role("region", name="Results")
    cards = results.get_by_role("heading", level=3)
    await expect(cards).to_have_text(card_titles(first))
    await expect(cards.first).to_contain_text("PAE")
    await expect(results).to_contain_text(f"{first['total']} airports, nearest to")
    await expect(results).to_contain_text("page 1 of")
    # Nearby fields (Arlington, Snohomish's Harvey Field…) are on the first page with Paine.
    nearby = {result["code"] for result in first["results"]} - {"PAE"}
    assert nearby, first["results"]

    await results.get_by_role("button", name="Next page").click()
    await expect(page).to_have_url(re.compile(r"/search\?near=PAE&within_nm=35&page=2$"))
    await expect(cards).to_have_text(card_titles(second))
    await expect(results).to_contain_text("page 2 of")

    await page.reload()
    await expect(cards).to_have_text(card_titles(second))
    await expect(page.get_by_label("Near airport (code)")).to_have_value("PAE")
    await expect(page.get_by_label("Within (NM)")).to_have_value("35")
    await results.get_by_role("button", name="Previous page").click()
    await expect(page).to_have_url(re.compile(r"/search\?near=PAE&within_nm=35$"))
    await expect(cards).to_have_text(card_titles(first))
    # Distances are in nautical miles.
    await expect(results.locator(".distance").first).to_have_text(
        re.compile(r"^[\d.,]+ NM from PAE$")
    )

    # A link from before, in statute miles, still works: converted to nautical miles.
    await page.goto("/search?near=PAE&within_miles=40")
    await expect(page.get_by_label("Within (NM)")).to_have_value("34.8")
    await expect(cards.first).to_contain_text("PAE")


async def test_the_leaderboard_links_to_a_pilots_profile(page: Page, site: Site) -> None:
    name = unique("Top pilot")
    pilot = await new_account(site, name)
    async with api(site, pilot) as http:
        base = (await http.get("/api/v1/airports/RNT")).json()["wiki"]["description"]["version"]
        edited = await http.patch(
            "/api/v1/airports/RNT",
            json={"description": {"text": "Floatplanes on Lake Washington.", "base": base}},
        )
    assert edited.status_code == 200, edited.text

    await page.goto("/leaderboard")
    await expect(page.get_by_role("heading", name="Leaderboard", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    await expect(row).to_contain_text("100 ft")
    # Each pilot with their Gravatar; unreachable here (no internet), it gives way to a plain
    # circle instead of a broken picture.
    await expect(row.locator(".avatar")).to_have_count(1)
    await expect(row.locator("img.avatar")).to_have_count(0)
    await row.get_by_role("link", name=name).click()

    await expect(page).to_have_url(re.compile(rf"/users/{pilot.user_id}$"))
    await expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    await expect(page.get_by_text("100 ft", exact=True)).to_be_visible()
    activity = page.get_by_role("region", name="Recent activity")
    await expect(activity).to_contain_text("Edited an airport at RNT")
    await expect(activity.get_by_role("link", name="RNT")).to_have_attribute(
        "href", "/airports/RNT"
    )


async def test_a_nonsense_address_shows_page_not_found(page: Page) -> None:
    await page.goto("/no/such/page-here")
    await expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    await expect(page.get_by_text("/no/such/page-here")).to_be_visible()
    await expect(page).to_have_title("Page not found · Pirep")
    await page.get_by_role("link", name="Search for an airport").click()
    await expect(page).to_have_url(re.compile(r"/search$"))


async def test_the_about_page_renders(page: Page) -> None:
    await page.goto("/about")
    await expect(page.get_by_role("heading", name="About Pirep", level=1)).to_be_visible()
    await expect(page).to_have_title("About Pirep · Pirep")
    await expect(page.get_by_role("heading", name="How editing works")).to_be_visible()
    await expect(page.get_by_role("link", name="API documentation")).to_have_attribute(
        "href", "/api/v1/docs"
    )


async def test_a_pilot_changes_their_email_address(new_context: Contexts, site: Site) -> None:
    pilot = await new_account(site)
    context = await new_context(pilot)
    page = await context.new_page()
    await page.goto("/account")
    card = page.get_by_role("region", name="Change your email address")
    new = new_email()
    await card.get_by_label("New email address").fill(new)
    await card.get_by_label("Current password").fill(PASSWORD)
    await card.get_by_role("button", name="Change email address").click()
    await expect(card.get_by_text(f"We mailed a link to {new}")).to_be_visible()
    await expect(
        card.get_by_text(f"Waiting for you to open the link we mailed to {new}")
    ).to_be_visible()
    assert pilot.email is not None
    await expect(page.get_by_text(pilot.email, exact=True)).to_be_visible()
    assert "is being changed" in await asyncio.to_thread(site.mails_to, pilot.email)

    await page.goto(await mailed_link(site, new, "/confirm-email"))
    await expect(
        page.get_by_role("heading", name="Your email address is confirmed")
    ).to_be_visible()
    await page.goto("/account")
    await expect(page.get_by_text(new, exact=True)).to_be_visible()
    await expect(card.get_by_text("Waiting for you")).to_have_count(0)
