import { describe, expect, it } from "vitest";
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
