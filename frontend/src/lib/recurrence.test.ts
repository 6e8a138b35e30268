import { describe, expect, it } from "vitest";
import {
  dayChoices,
  isLastWeekday,
  localDate,
  ordinal,
  parseLocalDate,
  recurrenceText,
  toRecurrence,
  weekOfMonth,
} from "./recurrence";

// Saturday 14 June 2025: the second Saturday of June.
const secondSaturday = { year: 2025, month: 6, day: 14, weekday: 6 };
// Saturday 28 June 2025: the fourth and last Saturday of June.
const lastSaturday = { year: 2025, month: 6, day: 28, weekday: 6 };
// Tuesday 30 December 2025: a fifth Tuesday, the last of the month.
const fifthTuesday = { year: 2025, month: 12, day: 30, weekday: 2 };

describe("recurrenceText", () => {
  it("says every day and every n days", () => {
    expect(recurrenceText({ cadence: "daily", interval: 1 }, secondSaturday)).toBe("Repeats every day");
    expect(recurrenceText({ cadence: "daily", interval: 3 }, secondSaturday)).toBe("Repeats every 3 days");
  });

  it("says the weekday of weekly events", () => {
    expect(recurrenceText({ cadence: "weekly", interval: 1 }, secondSaturday)).toBe("Repeats every week on Saturday");
    expect(recurrenceText({ cadence: "weekly", interval: 2 }, fifthTuesday)).toBe("Repeats every 2 weeks on Tuesday");
  });

  it("defaults the interval to one", () => {
    expect(recurrenceText({ cadence: "weekly" }, secondSaturday)).toBe("Repeats every week on Saturday");
  });

  it("says the day of the month of monthly events", () => {
    expect(recurrenceText({ cadence: "monthly", interval: 1, day_of_month: 15 }, secondSaturday)).toBe(
      "Repeats every month on the 15th",
    );
    expect(recurrenceText({ cadence: "monthly", interval: 2, day_of_month: 1 }, secondSaturday)).toBe(
      "Repeats every 2 months on the 1st",
    );
  });

  it("uses the start's day for a monthly event without a day", () => {
    expect(recurrenceText({ cadence: "monthly", interval: 1 }, secondSaturday)).toBe("Repeats every month on the 14th");
  });

  it("says the nth weekday of monthly events", () => {
    expect(recurrenceText({ cadence: "monthly", interval: 1, week_of_month: 2 }, secondSaturday)).toBe(
      "Repeats every month on the second Saturday",
    );
    expect(recurrenceText({ cadence: "monthly", interval: 1, week_of_month: 1 }, secondSaturday)).toBe(
      "Repeats every month on the first Saturday",
    );
    expect(recurrenceText({ cadence: "monthly", interval: 3, week_of_month: 3 }, secondSaturday)).toBe(
      "Repeats every 3 months on the third Saturday",
    );
    expect(recurrenceText({ cadence: "monthly", interval: 1, week_of_month: 4 }, lastSaturday)).toBe(
      "Repeats every month on the fourth Saturday",
    );
  });

  it("says the fifth weekday of monthly and yearly events", () => {
    // Saturday 31 May 2025: a fifth Saturday.
    const fifthSaturday = { year: 2025, month: 5, day: 31, weekday: 6 };
    expect(recurrenceText({ cadence: "monthly", interval: 1, week_of_month: 5 }, fifthSaturday)).toBe(
      "Repeats every month on the fifth Saturday",
    );
    expect(recurrenceText({ cadence: "yearly", interval: 1, week_of_month: 5 }, fifthTuesday)).toBe(
      "Repeats every year on the fifth Tuesday of December",
    );
  });

  it("says the last weekday of monthly events", () => {
    expect(recurrenceText({ cadence: "monthly", interval: 1, week_of_month: -1 }, fifthTuesday)).toBe(
      "Repeats every month on the last Tuesday",
    );
  });

  it("says the date of yearly events", () => {
    expect(recurrenceText({ cadence: "yearly", interval: 1 }, { year: 2025, month: 7, day: 4, weekday: 5 })).toBe(
      "Repeats every year on July 4",
    );
    expect(recurrenceText({ cadence: "yearly", interval: 2 }, secondSaturday)).toBe("Repeats every 2 years on June 14");
  });

  it("says the nth or last weekday of the month of yearly events", () => {
    expect(recurrenceText({ cadence: "yearly", interval: 1, week_of_month: 2 }, secondSaturday)).toBe(
      "Repeats every year on the second Saturday of June",
    );
    expect(recurrenceText({ cadence: "yearly", interval: 1, week_of_month: -1 }, fifthTuesday)).toBe(
      "Repeats every year on the last Tuesday of December",
    );
  });
});

describe("ordinal", () => {
  it("writes English ordinals", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
      "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st",
    ]);
  });
});

describe("dates", () => {
  it("finds the date of a moment in the airport's time zone", () => {
    // 03:00 UTC on Sunday is still Saturday evening in Seattle.
    expect(localDate("2025-06-15T03:00:00Z", "America/Los_Angeles")).toEqual(secondSaturday);
    expect(localDate("2025-06-15T03:00:00Z", "UTC")).toEqual({ year: 2025, month: 6, day: 15, weekday: 0 });
  });

  it("reads a local date-time of the form", () => {
    expect(parseLocalDate("2025-06-14T09:00")).toEqual(secondSaturday);
    expect(parseLocalDate("")).toBeNull();
  });

  it("knows the week of the month and the last weekday", () => {
    expect(weekOfMonth(secondSaturday)).toBe(2);
    expect(weekOfMonth(fifthTuesday)).toBe(5);
    expect(weekOfMonth({ year: 2025, month: 6, day: 28, weekday: 6 })).toBe(4);
    expect(weekOfMonth({ year: 2025, month: 6, day: 29, weekday: 0 })).toBe(5);
    expect(isLastWeekday(secondSaturday)).toBe(false);
    expect(isLastWeekday(lastSaturday)).toBe(true);
  });
});

describe("form choices", () => {
  it("offers nothing for daily and weekly events", () => {
    expect(dayChoices("daily", secondSaturday)).toEqual([]);
    expect(dayChoices("weekly", secondSaturday)).toEqual([]);
  });

  it("offers the day, the nth weekday and the last weekday of monthly events", () => {
    expect(dayChoices("monthly", secondSaturday).map((c) => c.value)).toEqual(["day_14", "week_2"]);
    expect(dayChoices("monthly", lastSaturday)).toEqual([
      { value: "day_28", label: "On the 28th" },
      { value: "week_4", label: "On the fourth Saturday" },
      { value: "week_-1", label: "On the last Saturday" },
    ]);
    expect(dayChoices("monthly", fifthTuesday)).toEqual([
      { value: "day_30", label: "On the 30th" },
      { value: "week_5", label: "On the fifth Tuesday (in the months that have one)" },
      { value: "week_-1", label: "On the last Tuesday" },
    ]);
    expect(dayChoices("yearly", fifthTuesday).map((c) => c.label)).toEqual([
      "On December 30",
      "On the fifth Tuesday of December (in the years that have one)",
      "On the last Tuesday of December",
    ]);
  });

  it("offers the date and the weekday of the month of yearly events", () => {
    expect(dayChoices("yearly", secondSaturday)).toEqual([
      { value: "day", label: "On June 14" },
      { value: "week_2", label: "On the second Saturday of June" },
    ]);
  });

  it("builds the API's recurrence", () => {
    expect(toRecurrence("daily", 2, null)).toEqual({ cadence: "daily", interval: 2 });
    expect(toRecurrence("weekly", 0, null)).toEqual({ cadence: "weekly", interval: 1 });
    expect(toRecurrence("monthly", 1, "day_14")).toEqual({ cadence: "monthly", interval: 1, day_of_month: 14 });
    expect(toRecurrence("monthly", 1, "week_2")).toEqual({ cadence: "monthly", interval: 1, week_of_month: 2 });
    expect(toRecurrence("monthly", 1, "week_-1")).toEqual({ cadence: "monthly", interval: 1, week_of_month: -1 });
    expect(toRecurrence("monthly", 1, "week_5")).toEqual({ cadence: "monthly", interval: 1, week_of_month: 5 });
    expect(toRecurrence("monthly", 1, "week_6")).toEqual({ cadence: "monthly", interval: 1 });
    expect(toRecurrence("yearly", 1, "day")).toEqual({ cadence: "yearly", interval: 1 });
    expect(toRecurrence("yearly", 1, "week_3")).toEqual({ cadence: "yearly", interval: 1, week_of_month: 3 });
    // A day of the month is for monthly events only (the API refuses it for yearly ones).
    expect(toRecurrence("yearly", 1, "day_14")).toEqual({ cadence: "yearly", interval: 1 });
  });
});
