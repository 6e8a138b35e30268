import { afterEach, describe, expect, it, vi } from "vitest";
import { clockTime, instantOf, isKnownZone, localInput, sunLines, sunSummary, zoneAbbreviation, zoneLabel } from "./time";

const sun = {
  date: "2026-12-05",
  timezone: "America/Los_Angeles",
  civil_dawn: "2026-12-05T07:06:22-08:00",
  sunrise: "2026-12-05T07:42:49-08:00",
  sunset: "2026-12-05T16:16:41-08:00",
  civil_dusk: "2026-12-05T16:53:07-08:00",
};

describe("times at the airport", () => {
  it("are given in the airport's zone, not the computer's", () => {
    expect(clockTime("2026-12-05T15:42:49Z", "America/Los_Angeles")).toBe("7:42 AM");
    expect(clockTime("2026-12-05T15:42:49Z", "America/New_York")).toBe("10:42 AM");
  });

  it("name the zone in force at the instant", () => {
    expect(zoneAbbreviation("America/Los_Angeles", "2026-12-05T12:00:00Z")).toBe("PST");
    expect(zoneAbbreviation("America/Los_Angeles", "2026-07-05T12:00:00Z")).toBe("PDT");
    expect(zoneLabel("America/Toronto", "2026-12-05T12:00:00Z")).toBe("EST (America/Toronto)");
  });

  it("knows which zones the browser knows", () => {
    expect(isKnownZone("America/Vancouver")).toBe(true);
    expect(isKnownZone("Mars/Olympus_Mons")).toBe(false);
    expect(isKnownZone(null)).toBe(false);
  });
});

describe("sun times", () => {
  it("lists dawn, sunrise, sunset and dusk in the airport's zone", () => {
    expect(sunLines(sun).map((line) => `${line.label} ${line.time}`)).toEqual([
      "Dawn 7:06 AM",
      "Sunrise 7:42 AM",
      "Sunset 4:16 PM",
      "Dusk 4:53 PM",
    ]);
    expect(sunSummary(sun)).toBe("Sunrise 7:42 AM, sunset 4:16 PM PST");
  });

  it("says so when the sun neither rises nor sets", () => {
    const polar = { ...sun, timezone: "America/Anchorage", civil_dawn: null, sunrise: null, sunset: null, civil_dusk: null };
    expect(sunSummary(polar)).toBe("The sun does not rise or set here today.");
    expect(sunLines(polar).map((line) => line.time)).toEqual(["none", "none", "none", "none"]);
  });
});

describe("local inputs", () => {
  it("give an instant as the airport's wall clock", () => {
    expect(localInput("2026-06-14T16:00:00Z", "America/Los_Angeles")).toBe("2026-06-14T09:00");
  });

  it("turn the airport's wall clock back into the instant, either side of a DST change", () => {
    expect(instantOf("2026-06-14T09:00", "America/Los_Angeles")?.toISOString()).toBe("2026-06-14T16:00:00.000Z");
    expect(instantOf("2026-12-14T09:00", "America/Los_Angeles")?.toISOString()).toBe("2026-12-14T17:00:00.000Z");
    expect(instantOf("not a date", "America/Los_Angeles")).toBeNull();
  });
});

describe("the event form's times", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  // The API gives occurrences as UTC instants; the form shows them on the event's own clock.
  const cases = [
    // 00:30 EDT: a midnight hour is written 00, not 24.
    { at: "2026-11-01T04:30:00Z", zone: "America/New_York", local: "2026-11-01T00:30" },
    // 19:00 the day before in Honolulu: the local date is not the UTC one.
    { at: "2026-06-14T05:00:00Z", zone: "Pacific/Honolulu", local: "2026-06-13T19:00" },
    // 09:00 PST in winter, 09:00 NZST across the date line.
    { at: "2026-12-14T17:00:00Z", zone: "America/Los_Angeles", local: "2026-12-14T09:00" },
    { at: "2026-06-13T21:00:00Z", zone: "Pacific/Auckland", local: "2026-06-14T09:00" },
  ];

  it("are the event's local times, whatever zone the browser is in", () => {
    for (const browserZone of ["UTC", "Asia/Tokyo", "America/Denver"]) {
      vi.stubEnv("TZ", browserZone);
      for (const { at, zone, local } of cases) {
        expect(localInput(at, zone), `${at} in ${zone}, browser in ${browserZone}`).toBe(local);
      }
    }
  });

  it("turn back into the same instants", () => {
    vi.stubEnv("TZ", "Asia/Tokyo");
    for (const { at, zone, local } of cases) {
      expect(instantOf(local, zone)?.toISOString()).toBe(new Date(at).toISOString());
    }
  });
});
