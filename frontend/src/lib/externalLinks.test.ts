import { describe, expect, it } from "vitest";
import { externalLinks, isAppleMobile } from "./externalLinks";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";
const MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15";
const ANDROID = "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0 Mobile Safari/537.36";

describe("externalLinks", () => {
  it("links SkyVector by code, AirNav and 100LL.com by ICAO code", () => {
    expect(externalLinks({ code: "PAE", icao_code: "KPAE" }, false)).toEqual([
      { label: "SkyVector", href: "https://skyvector.com/airport/PAE", app: false },
      { label: "AirNav", href: "https://www.airnav.com/airport/KPAE", app: false },
      { label: "Fuel prices (100LL.com)", href: "https://www.100ll.com/searchresults.php?searchfor=KPAE", app: false },
    ]);
  });

  it("uses the code where there is no ICAO code", () => {
    const hrefs = externalLinks({ code: "W16", icao_code: null }, false).map((link) => link.href);
    expect(hrefs).toEqual([
      "https://skyvector.com/airport/W16",
      "https://www.airnav.com/airport/W16",
      "https://www.100ll.com/searchresults.php?searchfor=W16",
    ]);
    expect(externalLinks({ code: "W16", icao_code: "" }, false)[1]?.href).toBe("https://www.airnav.com/airport/W16");
  });

  it("adds ForeFlight on iOS and iPadOS only", () => {
    expect(externalLinks({ code: "PAE", icao_code: "KPAE" }, true).at(-1)).toEqual({
      label: "Open in ForeFlight",
      href: "foreflightmobile://maps/search?q=APT@PAE",
      app: true,
    });
    expect(externalLinks({ code: "PAE", icao_code: "KPAE" }, false).some((link) => link.app)).toBe(false);
  });

  it("escapes what does not belong in a URL", () => {
    expect(externalLinks({ code: "A B", icao_code: null }, true).map((link) => link.href)).toContain(
      "foreflightmobile://maps/search?q=APT@A%20B",
    );
  });
});

describe("isAppleMobile", () => {
  it("knows iPhones and iPads, including iPads that name themselves a Mac", () => {
    expect(isAppleMobile(IPHONE)).toBe(true);
    expect(isAppleMobile(IPHONE.replace("iPhone; CPU iPhone OS", "iPad; CPU OS"))).toBe(true);
    expect(isAppleMobile(MAC, 5)).toBe(true);
  });

  it("leaves out Macs and other phones", () => {
    expect(isAppleMobile(MAC)).toBe(false);
    expect(isAppleMobile(MAC, 0)).toBe(false);
    expect(isAppleMobile(ANDROID, 5)).toBe(false);
  });
});
