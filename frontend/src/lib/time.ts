/**
 * Times at the airport: always in the airport's own time zone (never the visitor's browser's),
 * with the zone named, since a pilot planning from elsewhere must not mistake one for the other.
 */

/** "7:42 AM" at an instant, in a time zone. */
export function clockTime(moment: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(new Date(moment));
}

/** The zone's short name at an instant: "PST", "PDT", "EST"; "GMT+5:30" where it has none. */
export function zoneAbbreviation(timeZone: string, at: string | Date = new Date()): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" })
    .formatToParts(new Date(at))
    .find((item) => item.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** "PST (America/Los_Angeles)": the short name a pilot knows and the zone it stands for. */
export function zoneLabel(timeZone: string, at: string | Date = new Date()): string {
  const short = zoneAbbreviation(timeZone, at);
  return short === timeZone ? timeZone : `${short} (${timeZone})`;
}

/** Whether the browser knows the zone (an unknown one makes Intl throw). */
export function isKnownZone(timeZone: string | null | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

export interface SunTimes {
  date: string;
  timezone: string;
  civil_dawn: string | null;
  sunrise: string | null;
  sunset: string | null;
  civil_dusk: string | null;
}

export interface SunLine {
  label: string;
  time: string;
  /** The instant, for a `<time dateTime>`; null when the sun does not cross that angle today. */
  at: string | null;
}

/** Dawn, sunrise, sunset and dusk at the airport, in its zone. */
export function sunLines(sun: SunTimes): SunLine[] {
  const line = (label: string, at: string | null): SunLine => ({ label, at, time: at ? clockTime(at, sun.timezone) : "none" });
  return [
    line("Dawn", sun.civil_dawn),
    line("Sunrise", sun.sunrise),
    line("Sunset", sun.sunset),
    line("Dusk", sun.civil_dusk),
  ];
}

/** "Sunrise 7:42 AM, sunset 4:16 PM PST"; a sentence when the sun neither rises nor sets. */
export function sunSummary(sun: SunTimes): string {
  const zone = zoneAbbreviation(sun.timezone, sun.sunrise ?? sun.sunset ?? `${sun.date}T12:00:00Z`);
  if (!sun.sunrise && !sun.sunset) return "The sun does not rise or set here today.";
  const parts = [
    sun.sunrise ? `Sunrise ${clockTime(sun.sunrise, sun.timezone)}` : "No sunrise",
    sun.sunset ? `sunset ${clockTime(sun.sunset, sun.timezone)}` : "no sunset",
  ];
  return `${parts.join(", ")} ${zone}`;
}

/** `2025-06-14T09:00` for an instant, in a time zone (what a datetime-local input holds). */
export function localInput(moment: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(moment))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * The instant a local date and time at the airport stands for (`2025-06-14T09:00` in
 * America/Los_Angeles → 16:00 UTC), to name the zone in force then (PDT or PST).
 */
export function instantOf(local: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) return null;
  const [, year, month, day, hour, minute] = match.map(Number) as number[];
  const guess = Date.UTC(year as number, (month as number) - 1, day, hour, minute);
  // The zone's offset at the guess, applied once and checked once (enough across DST changes).
  let instant = guess;
  for (let step = 0; step < 2; step += 1) {
    const shown = localInput(new Date(instant).toISOString(), timeZone);
    const [, y, mo, d, h, mi] = (/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(shown) ?? []).map(Number) as number[];
    const shownUtc = Date.UTC(y as number, (mo as number) - 1, d, h, mi);
    instant += guess - shownUtc;
  }
  return new Date(instant);
}
