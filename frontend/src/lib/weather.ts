// How the airport page words a METAR or TAF period. Pure functions, tested in weather.test.ts.

export type FlightCategory = "VFR" | "MVFR" | "IFR" | "LIFR";

export interface CloudLayer {
  cover: string;
  base_ft: number | null;
}

export interface Wind {
  wind_direction: number | null;
  wind_speed_kt: number | null;
  wind_gusts_kt: number | null;
}

/** The conventional colours of the categories: VFR green, MVFR blue, IFR red, LIFR magenta. */
export const CATEGORY_COLOURS: Record<FlightCategory, string> = {
  VFR: "#2e7d32",
  MVFR: "#1565c0",
  IFR: "#c62828",
  LIFR: "#ad1457",
};

export const CATEGORY_NAMES: Record<FlightCategory, string> = {
  VFR: "Visual flight rules",
  MVFR: "Marginal visual flight rules",
  IFR: "Instrument flight rules",
  LIFR: "Low instrument flight rules",
};

const COVERS: Record<string, string> = {
  SKC: "Sky clear",
  CLR: "Clear",
  CAVOK: "Ceiling and visibility OK",
  NSC: "No significant clouds",
  FEW: "Few",
  SCT: "Scattered",
  BKN: "Broken",
  OVC: "Overcast",
  OVX: "Sky obscured",
};

const feet = new Intl.NumberFormat("en-US");

/** "270° at 12 kt gusting 20", "Variable at 5 kt", "Calm"; "—" when unknown. */
export function windText(wind: Wind): string {
  const { wind_direction: direction, wind_speed_kt: speed, wind_gusts_kt: gusts } = wind;
  if (speed === null && direction === null) return "—";
  if (speed === 0 && !gusts) return "Calm";
  const from = direction === -1 ? "Variable" : direction === null ? "Unknown direction" : `${String(direction).padStart(3, "0")}°`;
  const strength = speed === null ? "" : ` at ${speed} kt`;
  return `${from}${strength}${gusts ? ` gusting ${gusts}` : ""}`;
}

/** Degrees Celsius to whole degrees Fahrenheit. */
export function fahrenheit(celsius: number): number {
  return Math.round((celsius * 9) / 5 + 32);
}

/** "47°F / 39°F" (temperature / dew point); "—" for what is missing. */
export function temperatureText(temperature: number | null, dewpoint: number | null): string {
  const show = (value: number | null) => (value === null ? "—" : `${fahrenheit(value)}°F`);
  return `${show(temperature)} / ${show(dewpoint)}`;
}

/** "10+ mi" (10 statute miles and more), "1/4 mi", "2 1/2 mi"; "—" when unknown. */
export function visibilityText(miles: number | null): string {
  if (miles === null) return "—";
  if (miles >= 10) return "10+ mi";
  const whole = Math.floor(miles);
  const eighths = Math.round((miles - whole) * 8);
  if (eighths === 0) return `${whole} mi`;
  if (eighths === 8) return `${whole + 1} mi`;
  const divisor = gcd(eighths, 8);
  const fraction = `${eighths / divisor}/${8 / divisor}`;
  return whole ? `${whole} ${fraction} mi` : `${fraction} mi`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** "500 ft" or "None" (no broken, overcast or obscured layer). */
export function ceilingText(ceiling: number | null): string {
  return ceiling === null ? "None" : `${feet.format(ceiling)} ft`;
}

/** "Overcast 500 ft, Broken 6,000 ft"; "Clear"; "—" without layers. */
export function cloudsText(layers: CloudLayer[]): string {
  if (layers.length === 0) return "—";
  return layers
    .map((layer) => {
      const cover = COVERS[layer.cover] ?? layer.cover;
      return layer.base_ft === null ? cover : `${cover} ${feet.format(layer.base_ft)} ft`;
    })
    .join(", ");
}

const INTENSITY: Record<string, string> = { "-": "light", "+": "heavy" };
const DESCRIPTORS: Record<string, string> = {
  MI: "shallow",
  PR: "partial",
  BC: "patches of",
  DR: "low drifting",
  BL: "blowing",
  SH: "showers of",
  TS: "thunderstorm",
  FZ: "freezing",
};
const PHENOMENA: Record<string, string> = {
  DZ: "drizzle",
  RA: "rain",
  SN: "snow",
  SG: "snow grains",
  IC: "ice crystals",
  PL: "ice pellets",
  GR: "hail",
  GS: "small hail",
  UP: "unknown precipitation",
  BR: "mist",
  FG: "fog",
  FU: "smoke",
  VA: "volcanic ash",
  DU: "dust",
  SA: "sand",
  HZ: "haze",
  PY: "spray",
  PO: "dust whirls",
  SQ: "squalls",
  FC: "funnel cloud",
  SS: "sandstorm",
  DS: "duststorm",
};

function decodeGroup(group: string): string {
  let rest = group;
  const words: string[] = [];
  const intensity = INTENSITY[rest[0] ?? ""];
  if (intensity) {
    words.push(intensity);
    rest = rest.slice(1);
  }
  let vicinity = false;
  if (rest.startsWith("VC")) {
    vicinity = true;
    rest = rest.slice(2);
  }
  const codes = rest.match(/.{1,2}/g) ?? [];
  if (codes.length === 0 || codes.some((code) => !DESCRIPTORS[code] && !PHENOMENA[code])) return group;
  const decoded = codes.map((code) => DESCRIPTORS[code] ?? PHENOMENA[code] ?? code);
  // A lone "showers" reads better without its "of".
  if (decoded.length === 1 && codes[0] === "SH") decoded[0] = "showers";
  words.push(...decoded);
  if (vicinity) words.push("in the vicinity");
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "-SHRA BR" → "Light showers of rain, Mist"; unknown groups are kept as written; "None". */
export function weatherText(weather: string | null): string {
  if (!weather?.trim()) return "None";
  return weather.trim().split(/\s+/).map(decodeGroup).join(", ");
}

/** "12:53Z" with the date when it is not today's (UTC): "Dec 28 05:53Z". */
export function zuluTime(iso: string, now: Date = new Date()): string {
  const moment = new Date(iso);
  const time = `${String(moment.getUTCHours()).padStart(2, "0")}:${String(moment.getUTCMinutes()).padStart(2, "0")}Z`;
  if (moment.toISOString().slice(0, 10) === now.toISOString().slice(0, 10)) return time;
  const month = moment.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${month} ${moment.getUTCDate()} ${time}`;
}

/** "35 minutes ago", "1 hour 5 minutes ago", "just now". */
export function ageText(iso: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 60_000));
  if (minutes < 1) return "just now";
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (rest) parts.push(`${rest} minute${rest === 1 ? "" : "s"}`);
  return `${parts.join(" ")} ago`;
}
