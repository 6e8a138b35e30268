/** Radio frequencies as a pilot reads them: the ones used to land first, in plain names. */

export interface Frequency {
  use: string;
  frequency_mhz: number;
  description: string | null;
}

// The FAA's and OurAirports' abbreviations, spelled out.
const NAMES: Record<string, string> = {
  CTAF: "CTAF",
  TWR: "Tower",
  ATIS: "ATIS",
  "D-ATIS": "ATIS",
  AWOS: "AWOS",
  ASOS: "ASOS",
  UNIC: "UNICOM",
  UNICOM: "UNICOM",
  GND: "Ground",
  CLD: "Clearance delivery",
  CD: "Clearance delivery",
  "A/D": "Approach/departure",
  APP: "Approach",
  ARR: "Arrival",
  DEP: "Departure",
  CNTR: "Center",
  RDO: "Flight service",
  RCO: "Flight service",
  FSS: "Flight service",
  RMP: "Ramp",
  APRON: "Apron",
  MF: "Mandatory frequency",
  AFIS: "Flight information",
  "VFR ADV": "VFR advisory",
};

// What a pilot about to land listens to first: the field's own frequencies, then the weather,
// then the ground; everything else keeps the order it came in.
const ORDER = ["CTAF", "MF", "TWR", "ATIS", "D-ATIS", "AWOS", "ASOS", "UNIC", "UNICOM", "GND", "CLD", "CD", "A/D", "APP", "ARR", "DEP"];

function rank(use: string): number {
  const at = ORDER.indexOf(use.toUpperCase());
  return at === -1 ? ORDER.length : at;
}

export function frequencyName(use: string): string {
  return NAMES[use.toUpperCase()] ?? use;
}

/** `128.65`, `120.025`: two decimals unless the channel needs three (8.33 kHz spacing). */
export function formatMhz(mhz: number): string {
  const khz = Math.round(mhz * 1000);
  return (khz / 1000).toFixed(khz % 10 === 0 ? 2 : 3);
}

/** The frequencies, those used to land first (a stable sort: the source's order otherwise). */
export function sortFrequencies<T extends Frequency>(frequencies: readonly T[]): T[] {
  return frequencies
    .map((frequency, index) => ({ frequency, index }))
    .sort((a, b) => rank(a.frequency.use) - rank(b.frequency.use) || a.index - b.index)
    .map(({ frequency }) => frequency);
}

/**
 * The one or two frequencies to call on arrival, e.g. `[{name: "Tower", values: ["120.20",
 * "132.95"]}, {name: "CTAF", values: ["132.95"]}]`: the tower and the CTAF, else UNICOM.
 */
export function arrivalFrequencies(frequencies: readonly Frequency[]): { name: string; values: string[] }[] {
  const of = (...uses: string[]) => {
    const values = frequencies.filter((item) => uses.includes(item.use.toUpperCase())).map((item) => formatMhz(item.frequency_mhz));
    return [...new Set(values)];
  };
  const found = [
    { name: "Tower", values: of("TWR") },
    { name: "CTAF", values: of("CTAF", "MF") },
  ].filter((item) => item.values.length > 0);
  if (found.length > 0) return found;
  const unicom = of("UNIC", "UNICOM");
  return unicom.length > 0 ? [{ name: "UNICOM", values: unicom }] : [];
}
