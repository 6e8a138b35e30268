import { describe, expect, it } from "vitest";
import {
  ageText,
  ceilingText,
  cloudsText,
  fahrenheit,
  temperatureText,
  visibilityText,
  weatherText,
  windText,
  zuluTime,
} from "./weather";

describe("windText", () => {
  it("words direction, speed and gusts", () => {
    expect(windText({ wind_direction: 270, wind_speed_kt: 12, wind_gusts_kt: 20 })).toBe("270° at 12 kt gusting 20");
    expect(windText({ wind_direction: 110, wind_speed_kt: 6, wind_gusts_kt: null })).toBe("110° at 6 kt");
    expect(windText({ wind_direction: 10, wind_speed_kt: 6, wind_gusts_kt: 15 })).toBe("010° at 6 kt gusting 15");
  });
  it("says variable, calm and unknown", () => {
    expect(windText({ wind_direction: -1, wind_speed_kt: 5, wind_gusts_kt: null })).toBe("Variable at 5 kt");
    expect(windText({ wind_direction: 0, wind_speed_kt: 0, wind_gusts_kt: null })).toBe("Calm");
    expect(windText({ wind_direction: null, wind_speed_kt: null, wind_gusts_kt: null })).toBe("—");
  });
});

describe("temperatures", () => {
  it("converts to whole degrees Fahrenheit", () => {
    expect(fahrenheit(8.3)).toBe(47);
    expect(fahrenheit(-0.5)).toBe(31);
    expect(fahrenheit(-40)).toBe(-40);
  });
  it("shows temperature over dew point", () => {
    expect(temperatureText(8.3, 3.9)).toBe("47°F / 39°F");
    expect(temperatureText(null, 3.9)).toBe("— / 39°F");
  });
});

describe("visibilityText", () => {
  it("shows fractions of a mile and 10 and more", () => {
    expect(visibilityText(10)).toBe("10+ mi");
    expect(visibilityText(6)).toBe("6 mi");
    expect(visibilityText(0.25)).toBe("1/4 mi");
    expect(visibilityText(2.5)).toBe("2 1/2 mi");
    expect(visibilityText(1.75)).toBe("1 3/4 mi");
    expect(visibilityText(null)).toBe("—");
  });
});

describe("clouds and ceiling", () => {
  it("words the layers from the lowest up", () => {
    expect(
      cloudsText([
        { cover: "OVC", base_ft: 500 },
        { cover: "BKN", base_ft: 6000 },
      ]),
    ).toBe("Overcast 500 ft, Broken 6,000 ft");
    expect(cloudsText([{ cover: "CLR", base_ft: null }])).toBe("Clear");
    expect(cloudsText([{ cover: "OVX", base_ft: 200 }])).toBe("Sky obscured 200 ft");
    expect(cloudsText([])).toBe("—");
  });
  it("says when there is no ceiling", () => {
    expect(ceilingText(500)).toBe("500 ft");
    expect(ceilingText(12000)).toBe("12,000 ft");
    expect(ceilingText(null)).toBe("None");
  });
});

describe("weatherText", () => {
  it("decodes present-weather groups", () => {
    expect(weatherText("-SHRA")).toBe("Light showers of rain");
    expect(weatherText("FG")).toBe("Fog");
    expect(weatherText("-VCSH")).toBe("Light showers in the vicinity");
    expect(weatherText("+TSRA BR")).toBe("Heavy thunderstorm rain, Mist");
    expect(weatherText("FZFG")).toBe("Freezing fog");
  });
  it("keeps what it cannot decode and says none when empty", () => {
    expect(weatherText("XYZ")).toBe("XYZ");
    expect(weatherText(null)).toBe("None");
    expect(weatherText("  ")).toBe("None");
  });
});

describe("times", () => {
  const now = new Date("2023-12-28T06:30:00Z");
  it("shows UTC times, with the date when not today", () => {
    expect(zuluTime("2023-12-28T05:53:00+00:00", now)).toBe("05:53Z");
    expect(zuluTime("2023-12-29T21:00:00+00:00", now)).toBe("Dec 29 21:00Z");
  });
  it("says how old a report is", () => {
    expect(ageText("2023-12-28T05:53:00Z", now)).toBe("37 minutes ago");
    expect(ageText("2023-12-28T05:29:00Z", now)).toBe("1 hour 1 minute ago");
    expect(ageText("2023-12-28T06:30:20Z", now)).toBe("just now");
  });
});
