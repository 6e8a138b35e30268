/**
 * The colours of facility types and tags: the API names them from the Material palette
 * (`/api/v1/meta` facility_types[].colour, tags[].colour) and this is the one place that turns a
 * name into the hex that legends, swatches and map markers all draw with.
 */
export const PALETTE: Readonly<Record<string, string>> = {
  red: "#e53935",
  pink: "#d81b60",
  purple: "#8e24aa",
  indigo: "#3949ab",
  blue: "#1e88e5",
  "light-blue": "#039be5",
  cyan: "#00acc1",
  teal: "#00897b",
  green: "#43a047",
  "light-green": "#7cb342",
  lime: "#afb42b",
  yellow: "#f9a825",
  amber: "#ffb300",
  orange: "#fb8c00",
  "deep-orange": "#f4511e",
  brown: "#6d4c41",
  grey: "#757575",
  "blue-grey": "#546e7a",
};

/** What a type or tag without a colour of its own is drawn in. */
export const NO_COLOUR = PALETTE.grey as string;

/** The hex of a palette name; a hex the API might send is kept as it is. */
export function colourOf(name: string | null | undefined): string {
  if (!name) return NO_COLOUR;
  if (/^#[0-9a-f]{6}$/i.test(name)) return name.toLowerCase();
  return PALETTE[name] ?? NO_COLOUR;
}
