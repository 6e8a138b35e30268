import type { AirportDetail, Meta, Schemas } from "../../api/types";
import { PALETTE } from "../../lib/colours";

export type WikiName = keyof Schemas["WikiFields"];

/** The seven Markdown fields, in page order, with their labels (spec 2.3). */
export const WIKI_FIELDS: { name: WikiName; label: string }[] = [
  { name: "description", label: "Description" },
  { name: "transient_parking", label: "Transient Parking" },
  { name: "fuel_location", label: "Fuel Location" },
  { name: "landing_fees", label: "Landing & Tie-down Fees" },
  { name: "crew_car", label: "Crew Car Availability" },
  { name: "flying_clubs", label: "Flying Clubs" },
  { name: "wifi", label: "WiFi Access" },
];

/** Labels of every field the history and version pages show. */
export const FIELD_LABELS: Record<string, string> = {
  ...Object.fromEntries(WIKI_FIELDS.map((field) => [field.name, field.label])),
  landing_rights: "Landing rights",
  landing_requirements: "Landing requirements",
  cover_image: "Theme",
  annotations: "Annotations",
  featured_photo_id: "Featured photo",
  name: "Name",
  url: "Address",
  starts_at: "Starts",
  ends_at: "Ends",
  location: "Location",
  host: "Host",
  recurrence: "Recurrence",
};

export const THEMES: { value: Schemas["CoverImage"]; label: string }[] = [
  { value: "default", label: "Default" },
  { value: "beach", label: "Beach" },
  { value: "city", label: "City" },
  { value: "desert", label: "Desert" },
  { value: "forest", label: "Forest" },
  { value: "mountains", label: "Mountains" },
  { value: "town", label: "Town" },
];

/** The hex of a palette name the API uses for tags and facility types, or ``fallback``. */
export function colour(name: string | null | undefined, fallback = PALETTE["blue-grey"] as string): string {
  return (name && PALETTE[name]) || fallback;
}

export function formatCoordinates(latitude: number, longitude: number): string {
  return `${latitude.toFixed(4)}, ${longitude.toFixed(4)}`;
}

export function formatDate(value: string | null | undefined, timeZone?: string | null): string {
  if (!value) return "";
  const date = new Date(value.length === 10 ? `${value}T12:00:00Z` : value);
  return new Intl.DateTimeFormat("en-US", {
    dateStyle: "medium",
    timeZone: value.length === 10 ? "UTC" : (timeZone ?? undefined),
  }).format(date);
}

export function formatDateTime(value: string | null | undefined, timeZone?: string | null): string {
  if (!value) return "";
  return new Intl.DateTimeFormat("en-US", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: timeZone ?? undefined,
  }).format(new Date(value));
}

/** "3 days ago", "just now". */
export function timeAgo(value: string, now: number): string {
  const seconds = Math.max(0, (now - new Date(value).getTime()) / 1000);
  const steps: [number, string][] = [
    [60 * 60 * 24 * 365, "year"],
    [60 * 60 * 24 * 30, "month"],
    [60 * 60 * 24 * 7, "week"],
    [60 * 60 * 24, "day"],
    [60 * 60, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of steps) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${unit}${count > 1 ? "s" : ""} ago`;
  }
  return "just now";
}

/** A stable pick of `count` items (the original picks at random; this keeps renders pure). */
export function pickSome<T>(items: T[], count: number, seed: string): T[] {
  if (items.length <= count) return items;
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const start = hash % items.length;
  return [...items.slice(start), ...items.slice(0, start)].slice(0, count);
}

/** Photos in display order: the featured one first, then newest first. */
export function orderedPhotos(airport: AirportDetail): Schemas["PhotoOut"][] {
  const featured = airport.photos.find((photo) => photo.id === airport.featured_photo_id);
  return featured ? [featured, ...airport.photos.filter((photo) => photo !== featured)] : airport.photos;
}

export function isUnmapped(airport: AirportDetail): boolean {
  return airport.data_source === "user_contributed" || airport.tags.includes("unmapped");
}

/** The notices above an airport's content (spec 9.3). */
export function AirportNotices({ airport }: { airport: AirportDetail }) {
  return (
    <>
      {airport.locked && (
        <p className="notice info" role="note">
          This airport is locked: only administrators can change its information.
        </p>
      )}
      {airport.closed && (
        <p className="notice danger" role="note">
          This airport has been removed from the FAA's database and may be closed. Check before you
          plan to land here.
        </p>
      )}
      {isUnmapped(airport) && (
        <p className="notice danger" role="note">
          This airport is not mapped in the FAA's database: a pilot added it, and its information
          may be wrong or out of date. You are ultimately responsible for the safety of landing
          here.
        </p>
      )}
      {!airport.authoritative && !isUnmapped(airport) && (
        <p className="notice" role="note">
          This airport's data comes from a non-authoritative source
          {airport.data_source === "our_airports" ? " (OurAirports)" : ""}, not the FAA. Its use
          and landing rights may not be accurate.
        </p>
      )}
    </>
  );
}

export function tagMeta(meta: Meta | undefined, name: string) {
  return meta?.tags.find((tag) => tag.name === name);
}

/** A coloured tag chip; with `onPick` it is a button (tags that point at a page section). */
export function TagChip({ meta, name, onPick }: { meta: Meta | undefined; name: string; onPick?: () => void }) {
  const tag = tagMeta(meta, name);
  const style = { borderColor: colour(tag?.colour), boxShadow: `inset 4px 0 0 ${colour(tag?.colour)}` };
  const label = tag?.label ?? name.replaceAll("_", " ");
  return onPick ? (
    <button type="button" className="tag" style={style} onClick={onPick}>
      {label}
    </button>
  ) : (
    <span className="tag" style={style}>
      {label}
    </span>
  );
}

export function landingRightsInfo(meta: Meta | undefined, name: string) {
  return meta?.landing_rights.find((rights) => rights.name === name);
}

export const LANDING_RIGHTS_COLOUR: Record<string, string> = {
  public: "var(--success)",
  restricted: "var(--warning)",
  private: "var(--danger)",
};
