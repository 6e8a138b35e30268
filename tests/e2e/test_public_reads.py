"""A page of another site reads Pirep's public API in a real browser (CORS), and can do
nothing more: no credentialed read, no write."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from tests.e2e.conftest import Site
from tests.local_http import Handler, local_server


class OtherSite(Handler):
    """A club's website: one empty page, on an origin of its own."""

    def do_GET(self) -> None:
        self.send_body(b"<!doctype html><title>Flying club</title><p>Our field</p>", "text/html")


TRY = """
async ([api, how]) => {
  const options = {
    anonymous: {},
    credentialed: { credentials: "include" },
    conditional: { headers: { "If-None-Match": '"x"' } },
    write: { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" },
  }[how];
  const path = how === "write" ? "/api/v1/airports/PAE/comments" : "/api/v1/airports/PAE";
  try {
    const answer = await fetch(api + path, options);
    return { status: answer.status, code: (await answer.json()).code ?? null,
             remaining: answer.headers.get("RateLimit-Remaining") };
  } catch (error) {
    return { failed: String(error) };
  }
}
"""


async def test_a_page_of_another_site_reads_anonymously_and_nothing_more(
    page: Page, site: Site
) -> None:
    with local_server(OtherSite) as other:
        assert other != site.url
        await page.goto(other + "/")
        results: dict[str, Any] = {
            how: await page.evaluate(TRY, [site.url, how])
            for how in ("anonymous", "conditional", "credentialed", "write")
        }
    assert results["anonymous"]["status"] == 200
    assert results["anonymous"]["code"] == "PAE"
    assert results["anonymous"]["remaining"] is not None  # exposed to the page
    assert results["conditional"]["status"] == 200  # its preflight was answered
    # The browser refuses the rest: a credentialed answer under "*", a write's preflight.
    assert "failed" in results["credentialed"], results["credentialed"]
    assert "failed" in results["write"], results["write"]
