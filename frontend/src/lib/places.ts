/** Where an airport is and what kind it is, as a search result or a heading shows it. */

let regions: Intl.DisplayNames | null = null;

/** "Canada" for CA; the code itself when the browser cannot name it. */
export function countryName(code: string): string {
  try {
    regions ??= new Intl.DisplayNames(["en"], { type: "region" });
    return regions.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** "Everett, WA", "Vancouver, British Columbia", "Canada": the city with its state or country. */
export function placeText(place: { city?: string | null; state?: string | null; country?: string | null }): string {
  const region = place.state || (place.country ? countryName(place.country) : "");
  return [place.city, region].filter(Boolean).join(", ");
}

/** "Seaplane Bases" → "Seaplane Base": the catalogue's facility labels are plural. */
export function singular(label: string): string {
  return label.endsWith("s") ? label.slice(0, -1) : label;
}

const USES: Record<string, string> = { PU: "public", PR: "private" };

/**
 * "Airport", "Heliport, private": the facility type (its label from the catalogue, else its
 * name) and, when the source says so, whether it is private.
 */
export function facilityText(
  type: string,
  use: string | null | undefined,
  types: readonly { name: string; label: string }[] = [],
): string {
  const label = types.find((item) => item.name === type)?.label;
  const kind = label ? singular(label) : type.replaceAll("_", " ").replace(/^./, (first) => first.toUpperCase());
  return use === "PR" ? `${kind}, ${USES[use]}` : kind;
}

/** "KLAMATH FALLS" → "Klamath Falls", for the few names the API still gives in capitals. */
export function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s(/-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}
