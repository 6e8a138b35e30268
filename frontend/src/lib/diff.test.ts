import { describe, expect, it } from "vitest";
import { displayValue, sideBySide, type DiffRow } from "./diff";

function text(row: DiffRow, side: "left" | "right"): string | null {
  return row[side]?.map((segment) => segment.text).join("") ?? null;
}

describe("sideBySide", () => {
  it("keeps unchanged lines on both sides", () => {
    const rows = sideBySide("one\ntwo", "one\ntwo");
    expect(rows.map((row) => row.kind)).toEqual(["same", "same"]);
    expect(rows.map((row) => text(row, "left"))).toEqual(["one", "two"]);
    expect(rows.every((row) => row.left?.every((s) => !s.changed))).toBe(true);
  });

  it("shows inserted lines on the right only", () => {
    const rows = sideBySide("one\nthree\n", "one\ntwo\nthree\n");
    expect(rows.map((row) => row.kind)).toEqual(["same", "added", "same"]);
    expect(rows[1]).toEqual({ kind: "added", left: null, right: [{ text: "two", changed: true }] });
  });

  it("shows deleted lines on the left only", () => {
    const rows = sideBySide("one\ntwo\nthree", "one\nthree");
    expect(rows.map((row) => row.kind)).toEqual(["same", "removed", "same"]);
    expect(rows[1]).toEqual({ kind: "removed", left: [{ text: "two", changed: true }], right: null });
  });

  it("highlights the changed words of a changed line", () => {
    const [row] = sideBySide("Fuel at the north ramp", "Fuel at the south ramp");
    expect(row?.kind).toBe("changed");
    expect(row?.left?.filter((s) => s.changed).map((s) => s.text)).toEqual(["north"]);
    expect(row?.right?.filter((s) => s.changed).map((s) => s.text)).toEqual(["south"]);
    expect(text(row!, "left")).toBe("Fuel at the north ramp");
    expect(text(row!, "right")).toBe("Fuel at the south ramp");
  });

  it("pairs changed lines and leaves the extra ones alone", () => {
    const rows = sideBySide("a b", "a c\nnew line");
    expect(rows.map((row) => row.kind)).toEqual(["changed", "added"]);
  });

  it("treats null as empty text", () => {
    expect(sideBySide(null, "Crew car: ask the FBO")).toEqual([
      { kind: "added", left: null, right: [{ text: "Crew car: ask the FBO", changed: true }] },
    ]);
    expect(sideBySide("Gone\nToo", null).map((row) => row.kind)).toEqual(["removed", "removed"]);
    expect(sideBySide(null, null)).toEqual([]);
    expect(sideBySide(undefined, "")).toEqual([]);
  });
});

describe("displayValue", () => {
  it("writes annotations as label and position lines", () => {
    expect(
      displayValue([
        { label: "Fuel", latitude: 47.9, longitude: -122.28 },
        { label: "Tie-downs", latitude: 47.91, longitude: -122.29 },
      ]),
    ).toBe("Fuel: (47.9, -122.28)\nTie-downs: (47.91, -122.29)");
  });

  it("keeps text and turns empty values into null", () => {
    expect(displayValue("text")).toBe("text");
    expect(displayValue(null)).toBeNull();
    expect(displayValue([])).toBeNull();
    expect(displayValue(true)).toBe("true");
  });
});
