"""The administrators' pages: the guard, the dashboard's meters, approving and reverting a
known user's change, the read-only switch, and an importer dry run followed live to its report
(with the refusal of a second run while one is active)."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.api.conftest import Person
from tests.e2e.conftest import Contexts, Site, screenshot

VERSIONS = "/api/v1/admin/versions"
RUNS = "/api/v1/admin/importer/runs"
ACTIVE = ("requested", "running")
# The sample's airports dry run takes about two seconds; a slow machine gets plenty more.
IMPORT_SECONDS = 180
GUARD = "Only administrators can see this page."
READ_ONLY_NOTICE = "Pirep is read-only for maintenance right now"


def api(site: Site, person: Person | None = None) -> httpx.AsyncClient:
    """An HTTP client of the running server, with a person's session cookie and CSRF header."""
    return httpx.AsyncClient(
        base_url=site.url,
        cookies=person.cookies if person else None,
        headers=person.headers if person else None,
        timeout=15,
    )


async def edit_description(site: Site, person: Person, code: str, text: str) -> None:
    """Change an airport's description through the API, as the person."""
    async with api(site, person) as http:
        detail = (await http.get(f"/api/v1/airports/{code}")).json()
        base = detail["wiki"]["description"]["version"]
        answer = await http.patch(
            f"/api/v1/airports/{code}", json={"description": {"text": text, "base": base}}
        )
    assert answer.status_code == 200, answer.text


async def description(site: Site, code: str) -> str | None:
    async with api(site) as http:
        text: str | None = (await http.get(f"/api/v1/airports/{code}")).json()["wiki"][
            "description"
        ]["text"]
    return text


async def versions(site: Site, *, unreviewed: bool) -> list[dict[str, Any]]:
    async with api(site, site.admin) as http:
        answer = await http.get(
            VERSIONS, params={"unreviewed": str(unreviewed).lower(), "per_page": 100}
        )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def version_with(site: Site, code: str, text: str) -> dict[str, Any]:
    """The latest change of an airport's description to ``text``."""
    for version in await versions(site, unreviewed=False):
        changed = version["object_changes"].get("description")
        if version["airport_code"] == code and changed and changed[1] == text:
            return version
    raise AssertionError(f"No change of {code}'s description to {text!r}")


async def dashboard(site: Site) -> dict[str, Any]:
    async with api(site, site.admin) as http:
        answer = await http.get("/api/v1/admin/dashboard")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def wait_for_run_end(site: Site, run_id: str) -> dict[str, Any]:
    """Polls the API until the run is over (cleanup, so that the next run may start)."""
    deadline = time.monotonic() + IMPORT_SECONDS
    async with api(site, site.admin) as http:
        while True:
            run: dict[str, Any] = (await http.get(f"{RUNS}/{run_id}")).json()
            if run["status"] not in ACTIVE or time.monotonic() > deadline:
                return run
            await asyncio.sleep(0.5)


async def no_import_running(site: Site) -> None:
    active = (await dashboard(site))["active_import"]
    if active is not None:
        await wait_for_run_end(site, active["id"])


@asynccontextmanager
async def read_only_switched_off_afterwards(site: Site) -> AsyncIterator[None]:
    """Whatever happens, the site is writable again afterwards: other tests share the server."""
    try:
        yield
    finally:
        async with api(site, site.admin) as http:
            answer = await http.put("/api/v1/admin/read-only", json={"read_only": False})
        assert answer.status_code == 200, answer.text


# The guard and the dashboard -----------------------------------------------------------------


async def test_visitors_and_known_users_see_the_admin_guard(
    page: Page, new_context: Contexts, site: Site
) -> None:
    for path in ("/admin", "/admin/versions", "/admin/importer"):
        await page.goto(path)
        await expect(page.get_by_text(GUARD)).to_be_visible()
        await expect(page.get_by_role("link", name="Log in").last).to_have_attribute(
            "href", "/login"
        )
        await expect(page.get_by_role("navigation", name="Admin sections")).to_have_count(0)

    known = await (await new_context(site.known)).new_page()
    await known.goto("/admin")
    await expect(known.get_by_text(GUARD)).to_be_visible()
    await expect(known.get_by_text("who is not an administrator")).to_be_visible()
    await expect(known.get_by_role("heading", name="Admin dashboard")).to_have_count(0)
    await expect(known.get_by_role("banner").get_by_role("link", name="Manage")).to_have_count(0)


async def test_the_dashboard_shows_the_meters_and_queues(new_context: Contexts, site: Site) -> None:
    expected = await dashboard(site)
    page = await (await new_context(site.admin)).new_page()
    await page.goto("/")
    await page.get_by_role("banner").get_by_role("link", name="Manage").click()
    await expect(page).to_have_url(re.compile(r"/admin$"))
    await expect(page.get_by_role("heading", name="Admin dashboard", level=1)).to_be_visible()

    meters = page.locator(".meter")
    await expect(meters).to_have_count(3)
    await expect(meters.nth(0)).to_have_text(f"{expected['airports']:,}Airports")
    assert expected["airports"] > 500, expected
    await expect(meters.nth(1)).to_contain_text("Contributed airports")
    await expect(meters.nth(2)).to_contain_text(re.compile(r"^[\d,]+Page views, last 30 days"))
    queues = expected["queues"]
    for label, count in (
        ("Changes to review", queues["versions"]),
        ("New users to review", queues["users"]),
        ("Added airports to review", queues["airports"]),
        ("Comments to review", queues["comments"]),
    ):
        await expect(
            page.get_by_role("link", name=f"{label}: {count:,}", exact=True)
        ).to_be_visible()
    cycles = page.locator("section").filter(has=page.get_by_role("heading", name="Data cycles"))
    assert expected["cycles"], expected
    for product, cycle in expected["cycles"].items():
        await expect(cycles).to_contain_text(f"{product.capitalize()}{cycle}")
    await expect(page.get_by_role("switch", name="Read-only mode")).not_to_be_checked()
    await screenshot(page, "admin-dashboard")


# Review of changes ---------------------------------------------------------------------------


async def test_one_click_approves_a_known_users_change(new_context: Contexts, site: Site) -> None:
    text = f"Approve me {uuid.uuid4().hex[:8]}: self-serve fuel on the east ramp."
    await edit_description(site, site.known, "OLM", text)
    change = await version_with(site, "OLM", text)
    assert change["reviewed_at"] is None

    page = await (await new_context(site.admin)).new_page()
    await page.goto("/admin/versions")
    await expect(page.get_by_role("heading", name="Changes to review", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=text)
    await expect(row).to_contain_text("OLM")
    await expect(row).to_contain_text("Waiting")
    await row.get_by_role("button", name="Approve").click()
    await expect(row).to_have_count(0)

    assert change["id"] not in {item["id"] for item in await versions(site, unreviewed=True)}
    assert (await version_with(site, "OLM", text))["reviewed_at"] is not None
    assert await description(site, "OLM") == text  # approving changes nothing else


async def test_revert_puts_the_old_text_back(new_context: Contexts, site: Site) -> None:
    mark = uuid.uuid4().hex[:8]
    good, bad = f"Tie-downs by the tower ({mark}).", f"Vandalised {mark}!!!"
    await edit_description(site, site.known, "CLM", good)
    async with api(site, site.admin) as http:
        first = await version_with(site, "CLM", good)
        approved = await http.patch(f"{VERSIONS}/{first['id']}", json={"reviewed": True})
        assert approved.status_code == 200, approved.text
    # After the review the next edit is a change of its own, not merged into the first.
    await edit_description(site, site.known, "CLM", bad)
    assert await description(site, "CLM") == bad

    page = await (await new_context(site.admin)).new_page()
    await page.goto("/admin/versions")
    # The change from good to bad (with all changes shown, its undoing also names both).
    row = page.get_by_role("row").filter(
        has_text=re.compile(rf"{re.escape(good)}\s*→\s*{re.escape(bad)}")
    )
    await expect(row).to_have_count(1)
    await row.get_by_role("button", name="Revert").click()
    # Undoing a change reviews it: it leaves the queue, and shows as reverted among all changes.
    await expect(row).to_have_count(0)
    await page.get_by_label("Show reviewed items too").click()
    await expect(page.get_by_label("Show reviewed items too")).to_be_checked()
    await expect(row).to_contain_text("Reverted")
    await expect(row.get_by_role("button", name="Revert")).to_have_count(0)

    assert await description(site, "CLM") == good
    reverted = await version_with(site, "CLM", bad)
    assert reverted["reverted_at"] is not None
    assert reverted["reviewed_at"] is not None
    undo = await version_with(site, "CLM", good)
    assert undo["id"] != first["id"]
    assert undo["author"]["id"] == str(site.admin.user_id)
    assert undo["reviewed_at"] is not None


# Read-only mode ------------------------------------------------------------------------------


async def test_read_only_mode_shows_a_notice_and_refuses_anonymous_writes(
    new_context: Contexts, site: Site
) -> None:
    admin = await (await new_context(site.admin)).new_page()
    visitor = await (await new_context()).new_page()
    await admin.goto("/admin")
    switch = admin.get_by_role("switch", name="Read-only mode")
    await expect(switch).not_to_be_checked()
    await expect(admin.get_by_text("Pirep is open for changes.")).to_be_visible()

    # The window is kept short: other tests of this run share the server.
    async with read_only_switched_off_afterwards(site):
        await switch.click()
        await expect(switch).to_be_checked()
        await expect(
            admin.get_by_text("Pirep is read-only now: changes are refused.")
        ).to_be_visible()
        await visitor.goto("/about")
        await expect(visitor.get_by_role("status")).to_contain_text(READ_ONLY_NOTICE)
        async with api(site) as http:
            refused = await http.post(
                "/api/v1/users",
                json={"email": f"late-{uuid.uuid4().hex[:8]}@example.com", "password": "x" * 12},
            )
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"] == "ReadOnly"

        await switch.click()
        await expect(switch).not_to_be_checked()
        await expect(admin.get_by_text("Pirep is open for changes.")).to_be_visible()

    assert (await dashboard(site))["read_only"] is False
    await visitor.reload()
    await expect(visitor.get_by_role("heading", name="About Pirep")).to_be_visible()
    await expect(visitor.get_by_text(READ_ONLY_NOTICE)).to_have_count(0)


# The importer --------------------------------------------------------------------------------


async def importer_form(page: Page) -> None:
    """The start form with only the airports, as a dry run."""
    await page.goto("/admin/importer")
    await expect(page.get_by_role("heading", name="Importer runs", level=1)).to_be_visible()
    await page.get_by_role("checkbox", name="Airports", exact=True).check()
    await page.get_by_role("checkbox", name="Diagrams", exact=True).uncheck()
    await page.get_by_role("checkbox", name="Charts", exact=True).uncheck()
    await expect(page.get_by_role("checkbox", name="Force", exact=True)).not_to_be_checked()
    await page.get_by_role("checkbox", name="Dry run", exact=True).check()


async def test_an_importer_dry_run_is_followed_live_to_its_report(
    new_context: Contexts, site: Site
) -> None:
    await no_import_running(site)
    cycles_before = (await dashboard(site))["cycles"]
    page = await (await new_context(site.admin)).new_page()
    await importer_form(page)
    await page.get_by_role("button", name="Start import").click()

    await expect(page).to_have_url(re.compile(r"/admin/importer/[0-9a-f-]{36}$"))
    run_id = page.url.rsplit("/", 1)[-1]
    try:
        # The page polls every 2 s; the sample's run spends about a second starting the process
        # ("requested") and under a second "running", so either may be the live state seen.
        status = page.get_by_role("status").filter(has_text="Status:")
        await expect(status).to_contain_text(
            re.compile(r"Status: (requested|running) · updated every 2 seconds")
        )
        await expect(status).to_have_text(
            re.compile(r"Status: succeeded$"), timeout=IMPORT_SECONDS * 1000
        )
    finally:
        run = await wait_for_run_end(site, run_id)
    assert run["status"] == "succeeded", run
    assert (run["products"], run["dry_run"], run["force"]) == (["airports"], True, False)

    report = page.get_by_role("region", name="Report")
    await expect(report).to_contain_text("This was a dry run: nothing was written.")
    assert run["cycles"], run
    for cycle in run["cycles"].values():
        await expect(report).to_contain_text(f"Airports: {cycle}")
    await expect(page.get_by_role("progressbar")).to_have_count(0)
    await expect(page.get_by_text("dry run", exact=True)).to_be_visible()  # the options
    await screenshot(page, "admin-importer-run")

    assert (await dashboard(site))["cycles"] == cycles_before  # a dry run writes nothing
    await page.get_by_role("link", name="← Importer runs").click()
    runs = page.get_by_role("region", name="Importer runs")
    await expect(runs.get_by_role("row").nth(1)).to_contain_text("succeeded")
    await expect(runs.get_by_role("row").nth(1)).to_contain_text("dry run")


async def test_a_second_import_while_one_is_active_is_refused(
    new_context: Contexts, site: Site
) -> None:
    await no_import_running(site)
    page = await (await new_context(site.admin)).new_page()
    await importer_form(page)
    async with api(site, site.admin) as http:
        started = await http.post(RUNS, json={"products": ["airports"], "dry_run": True})
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    try:
        await page.get_by_role("button", name="Start import").click()
        alert = page.get_by_role("alert")
        await expect(alert).to_contain_text(
            re.compile(rf"Import {run_id} is (requested|running); wait for it to finish first\.")
        )
        await expect(page).to_have_url(re.compile(r"/admin/importer$"))
        await alert.get_by_role("link", name="See the active run").click()
        await expect(page).to_have_url(re.compile(rf"/admin/importer/{run_id}$"))
        await expect(page.get_by_role("status").filter(has_text="Status:")).to_contain_text(
            "Status: succeeded", timeout=IMPORT_SECONDS * 1000
        )
    finally:
        run = await wait_for_run_end(site, run_id)
    assert run["status"] == "succeeded", run
    async with api(site, site.admin) as http:
        listed = (await http.get(RUNS, params={"per_page": 100})).json()["items"]
    assert [item["id"] for item in listed].count(run_id) == 1
    assert all(item["status"] not in ACTIVE for item in listed)


async def test_an_admin_gives_a_token_its_own_read_quota(new_context: Contexts, site: Site) -> None:
    name = f"EFB sync {uuid.uuid4().hex[:6]}"
    async with api(site, site.known) as http:
        created = await http.post(
            "/api/v1/users/me/tokens", json={"name": name, "scopes": ["read"]}
        )
    assert created.status_code == 201, created.text
    token = created.json()
    try:
        admin = await (await new_context(site.admin)).new_page()
        await admin.goto(f"/admin/users/{site.known.user_id}")
        tokens = admin.get_by_role("region", name="API tokens")
        row = tokens.get_by_role("listitem").filter(has_text=name)
        await row.get_by_label("Reads a minute").fill("6000")
        await row.get_by_role("button", name="Save").click()
        await expect(row.get_by_role("status")).to_have_text("Saved.")

        async with api(site) as http:
            read = await http.get(
                "/api/v1/airports/PAE", headers={"Authorization": f"Bearer {token['token']}"}
            )
        assert read.headers["ratelimit-limit"] == "6000"

        owner = await (await new_context(site.known)).new_page()
        await owner.goto("/account")
        mine = (
            owner.get_by_role("region", name="API tokens").get_by_role("row").filter(has_text=name)
        )
        await expect(mine).to_contain_text("6,000 reads a minute")
    finally:
        async with api(site, site.known) as http:
            await http.delete(f"/api/v1/users/me/tokens/{token['id']}")
