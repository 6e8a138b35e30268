import { describe, expect, it } from "vitest";
import { arrivalFrequencies, formatMhz, frequencyName, sortFrequencies, type Frequency } from "./frequencies";

const f = (use: string, frequency_mhz: number, description: string | null = null): Frequency => ({ use, frequency_mhz, description });

describe("formatMhz", () => {
  it("gives two decimals, three for 8.33 kHz channels", () => {
    expect(formatMhz(128.65)).toBe("128.65");
    expect(formatMhz(122.8)).toBe("122.80");
    expect(formatMhz(120.025)).toBe("120.025");
    expect(formatMhz(132.955)).toBe("132.955");
  });
});

describe("frequencyName", () => {
  it("spells out the abbreviations and keeps unknown uses", () => {
    expect(frequencyName("UNIC")).toBe("UNICOM");
    expect(frequencyName("twr")).toBe("Tower");
    expect(frequencyName("CLD")).toBe("Clearance delivery");
    expect(frequencyName("EMERG")).toBe("EMERG");
  });
});

describe("sortFrequencies", () => {
  it("puts what is used to land first, keeping the source's order otherwise", () => {
    const list = [f("CNTR", 128.5), f("GND", 121.8), f("ATIS", 128.65), f("RDO", 122.2), f("TWR", 120.2), f("CTAF", 132.95), f("TWR", 132.95)];
    expect(sortFrequencies(list).map((item) => `${item.use} ${item.frequency_mhz}`)).toEqual([
      "CTAF 132.95",
      "TWR 120.2",
      "TWR 132.95",
      "ATIS 128.65",
      "GND 121.8",
      "CNTR 128.5",
      "RDO 122.2",
    ]);
  });
});

describe("arrivalFrequencies", () => {
  it("gives the tower and the CTAF of a towered field, each value once", () => {
    const list = [f("TWR", 120.2), f("TWR", 132.95), f("TWR", 120.2), f("CTAF", 132.95), f("UNIC", 122.95)];
    expect(arrivalFrequencies(list)).toEqual([
      { name: "Tower", values: ["120.20", "132.95"] },
      { name: "CTAF", values: ["132.95"] },
    ]);
  });

  it("falls back on UNICOM, and gives nothing without either", () => {
    expect(arrivalFrequencies([f("AWOS", 118.375), f("UNIC", 122.7)])).toEqual([{ name: "UNICOM", values: ["122.70"] }]);
    expect(arrivalFrequencies([f("AWOS", 118.375)])).toEqual([]);
  });
});
