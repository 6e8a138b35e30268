/**
 * Words for an event's recurrence ("Repeats every month on the second Saturday") and the
 * options of the event form, following the API's rules (api/events/recurrence.py): a monthly
 * or yearly event by week of the month repeats on the nth (or last) weekday of its start date,
 * a fifth one only in the months that have one.
 */

export type Cadence = "daily" | "weekly" | "monthly" | "yearly";
export type WeekOfMonth = 1 | 2 | 3 | 4 | 5 | -1;

/** The recurrence as the API takes and returns it (`RecurrenceIn`). */
export interface Recurrence {
  cadence: Cadence;
  interval?: number;
  day_of_month?: number | null;
  week_of_month?: WeekOfMonth | null;
}

/** A calendar date at the airport: month 1–12, weekday 0 (Sunday) – 6 (Saturday). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];
const ORDINAL_WORDS: Record<WeekOfMonth, string> = {
  1: "first",
  2: "second",
  3: "third",
  4: "fourth",
  5: "fifth",
  [-1]: "last",
};
const UNITS: Record<Cadence, string> = { daily: "day", weekly: "week", monthly: "month", yearly: "year" };

/** 1st, 2nd, 3rd, 4th, 11th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

/** The calendar date of a moment in a time zone (the browser's when none is given). */
export function localDate(moment: string | Date, timeZone?: string | null): LocalDate {
  const date = typeof moment === "string" ? new Date(moment) : moment;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timeZone ?? undefined,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    weekday: "short",
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(part("weekday"));
  return { year: Number(part("year")), month: Number(part("month")), day: Number(part("day")), weekday };
}

/** The date of a `YYYY-MM-DD…` local date-time string, without any time zone arithmetic. */
export function parseLocalDate(value: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, weekday };
}

function every(cadence: Cadence, interval: number): string {
  const unit = UNITS[cadence];
  return interval > 1 ? `every ${interval} ${unit}s` : `every ${unit}`;
}

/** "Repeats every 2 weeks on Saturday", from the rule and the date of (any) occurrence. */
export function recurrenceText(recurrence: Recurrence, start: LocalDate): string {
  const interval = Math.max(1, recurrence.interval ?? 1);
  const head = `Repeats ${every(recurrence.cadence, interval)}`;
  const weekday = WEEKDAYS[start.weekday] ?? "";
  const month = MONTHS[start.month - 1] ?? "";
  const week = recurrence.week_of_month;
  switch (recurrence.cadence) {
    case "daily":
      return head;
    case "weekly":
      return `${head} on ${weekday}`;
    case "monthly":
      if (week != null) return `${head} on the ${ORDINAL_WORDS[week]} ${weekday}`;
      return `${head} on the ${ordinal(recurrence.day_of_month ?? start.day)}`;
    case "yearly":
      if (week != null) return `${head} on the ${ORDINAL_WORDS[week]} ${weekday} of ${month}`;
      return `${head} on ${month} ${start.day}`;
  }
}

/** The "on" choices of the form for a monthly or yearly event starting on `start`. */
export interface DayChoice {
  value: string;
  label: string;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Which week of the month `start` falls in: 1–5 (its weekday's first to fifth of the month). */
export function weekOfMonth(start: LocalDate): 1 | 2 | 3 | 4 | 5 {
  return Math.ceil(start.day / 7) as 1 | 2 | 3 | 4 | 5;
}

/** Whether `start` is the last such weekday of its month. */
export function isLastWeekday(start: LocalDate): boolean {
  return start.day + 7 > daysInMonth(start.year, start.month);
}

/**
 * Choices for a monthly (`day_N`, `week_N`) or yearly (`day`, `week_N`) event: the same day of
 * the month (or date of the year), the nth weekday (a fifth one only in the months that have
 * one), the last weekday.
 */
export function dayChoices(cadence: Cadence, start: LocalDate): DayChoice[] {
  if (cadence !== "monthly" && cadence !== "yearly") return [];
  const weekday = WEEKDAYS[start.weekday] ?? "";
  const month = MONTHS[start.month - 1] ?? "";
  const choices: DayChoice[] =
    cadence === "monthly"
      ? [{ value: `day_${start.day}`, label: `On the ${ordinal(start.day)}` }]
      : [{ value: "day", label: `On ${month} ${start.day}` }];
  const week = weekOfMonth(start);
  const suffix = cadence === "yearly" ? ` of ${month}` : "";
  const fifth = week === 5 ? ` (in the ${cadence === "yearly" ? "years" : "months"} that have one)` : "";
  choices.push({ value: `week_${week}`, label: `On the ${ORDINAL_WORDS[week]} ${weekday}${suffix}${fifth}` });
  if (isLastWeekday(start)) choices.push({ value: "week_-1", label: `On the last ${weekday}${suffix}` });
  return choices;
}

/** The API's recurrence from the form's cadence, interval and day choice. */
export function toRecurrence(
  cadence: Cadence,
  interval: number,
  choice: string | null,
): Recurrence & { interval: number } {
  const recurrence: Recurrence & { interval: number } = { cadence, interval: Math.max(1, Math.round(interval) || 1) };
  if (cadence !== "monthly" && cadence !== "yearly") return recurrence;
  const week = /^week_(-1|[1-5])$/.exec(choice ?? "");
  if (week) {
    recurrence.week_of_month = Number(week[1]) as WeekOfMonth;
    return recurrence;
  }
  const day = /^day_(\d{1,2})$/.exec(choice ?? "");
  if (day && cadence === "monthly") recurrence.day_of_month = Number(day[1]);
  return recurrence;
}
