import { diffLines, diffWords } from "diff";

/** A piece of a line; `changed` pieces were removed (left side) or added (right side). */
export interface Segment {
  text: string;
  changed: boolean;
}

/**
 * One row of a side-by-side diff: the old line on the left, the new one on the right.
 * `same`: unchanged; `changed`: both sides, words highlighted; `removed`: left only;
 * `added`: right only.
 */
export interface DiffRow {
  kind: "same" | "changed" | "removed" | "added";
  left: Segment[] | null;
  right: Segment[] | null;
}

function lines(value: string): string[] {
  const parts = value.split("\n");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

function wordPair(before: string, after: string): { left: Segment[]; right: Segment[] } {
  const left: Segment[] = [];
  const right: Segment[] = [];
  for (const part of diffWords(before, after)) {
    if (part.added) right.push({ text: part.value, changed: true });
    else if (part.removed) left.push({ text: part.value, changed: true });
    else {
      left.push({ text: part.value, changed: false });
      right.push({ text: part.value, changed: false });
    }
  }
  return { left, right };
}

/** Rows comparing two texts line by line (words within changed lines); null is empty. */
export function sideBySide(before: string | null | undefined, after: string | null | undefined): DiffRow[] {
  const oldText = before ?? "";
  const newText = after ?? "";
  if (!oldText && !newText) return [];
  const rows: DiffRow[] = [];
  const parts = diffLines(oldText, newText);
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    if (!part.added && !part.removed) {
      for (const line of lines(part.value)) {
        rows.push({ kind: "same", left: [{ text: line, changed: false }], right: [{ text: line, changed: false }] });
      }
      continue;
    }
    if (part.removed) {
      const removed = lines(part.value);
      const next = parts[index + 1];
      const added = next?.added ? lines(next.value) : [];
      if (next?.added) index += 1;
      const count = Math.max(removed.length, added.length);
      for (let line = 0; line < count; line += 1) {
        const left = removed[line];
        const right = added[line];
        if (left !== undefined && right !== undefined) rows.push({ kind: "changed", ...wordPair(left, right) });
        else if (left !== undefined) rows.push({ kind: "removed", left: [{ text: left, changed: true }], right: null });
        else if (right !== undefined) rows.push({ kind: "added", left: null, right: [{ text: right, changed: true }] });
      }
      continue;
    }
    for (const line of lines(part.value)) {
      rows.push({ kind: "added", left: null, right: [{ text: line, changed: true }] });
    }
  }
  return rows;
}

function isAnnotation(value: unknown): value is { label: unknown; latitude: unknown; longitude: unknown } {
  return typeof value === "object" && value !== null && "label" in value && "latitude" in value && "longitude" in value;
}

/** A field's value as text for a diff: annotations as `label: (lat, lon)` lines; null → null. */
export function displayValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    return value
      .map((item) =>
        isAnnotation(item) ? `${String(item.label)}: (${String(item.latitude)}, ${String(item.longitude)})` : displayValue(item) ?? "",
      )
      .join("\n");
  }
  return JSON.stringify(value, null, 2);
}
