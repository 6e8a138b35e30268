/** File sizes in words, as a download link gives them. */

const UNITS = ["kB", "MB", "GB", "TB"];

/**
 * "512 bytes", "1.2 MB", "182 MB": decimal units (as disks and phones count), one decimal
 * below ten, whole numbers above.
 */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  for (const [index, unit] of UNITS.entries()) {
    const value = bytes / 1000 ** (index + 1);
    const shown = value < 9.95 ? Number(value.toFixed(1)) : Math.round(value);
    // 999,999 bytes are "1 MB", not "1000 kB".
    if (shown < 1000 || index === UNITS.length - 1) return `${shown} ${unit}`;
  }
  return `${bytes} bytes`;
}
