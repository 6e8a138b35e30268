import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { api, call } from "../api/client";
import type { Schemas } from "../api/queries";
import { parseCoordinates } from "../lib/coordinates";

export type SearchResult = Schemas["SearchResult"];
export type Pick =
  | { kind: "airport"; airport: SearchResult }
  | { kind: "point"; latitude: number; longitude: number };

const DEBOUNCE_MS = 350;
const MIN_LENGTH = 3;

function useDebounced(value: string, delay: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/** The airport search box: debounced, keyboard navigable, and it understands `lat, lon`. */
export function SearchBox({
  onPick,
  near,
  placeholder = "Search airports or lat, lon",
}: {
  onPick: (pick: Pick) => void;
  /** The map's centre, to rank nearer airports first. */
  near?: () => { latitude: number; longitude: number } | undefined;
  placeholder?: string;
}) {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const query = useDebounced(text.trim(), DEBOUNCE_MS);
  const listId = useId();
  const point = parseCoordinates(query);

  const results = useQuery({
    queryKey: ["search", query],
    queryFn: () => {
      const point = near?.();
      return call(
        api.GET("/api/v1/airports/search", {
          params: { query: { q: query, lat: point?.latitude, lon: point?.longitude } },
        }),
      );
    },
    enabled: query.length >= MIN_LENGTH,
    staleTime: 60_000,
  });

  const picks: Pick[] = [
    ...(point ? [{ kind: "point" as const, ...point }] : []),
    ...(results.data?.results ?? []).map((airport) => ({ kind: "airport" as const, airport })),
  ];

  function choose(pick: Pick | undefined) {
    if (!pick) return;
    setOpen(false);
    setText(pick.kind === "airport" ? pick.airport.code : text);
    onPick(pick);
  }

  return (
    <div className="search-box">
      <input
        type="search"
        role="combobox"
        aria-label="Search airports"
        aria-expanded={open && picks.length > 0}
        aria-controls={listId}
        placeholder={placeholder}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") {
            event.preventDefault();
            setActive((index) => Math.min(index + 1, picks.length - 1));
          } else if (event.key === "ArrowUp") {
            event.preventDefault();
            setActive((index) => Math.max(index - 1, 0));
          } else if (event.key === "Enter") {
            event.preventDefault();
            choose(picks[active]);
          } else if (event.key === "Escape") {
            setOpen(false);
          }
        }}
      />
      {open && picks.length > 0 && (
        <ul className="search-results" id={listId} role="listbox">
          {picks.map((pick, index) => (
            <li
              key={pick.kind === "airport" ? pick.airport.code : "point"}
              role="option"
              aria-selected={index === active}
              onMouseEnter={() => setActive(index)}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(pick);
              }}
            >
              {pick.kind === "airport"
                ? pick.airport.label
                : `Go to ${pick.latitude}, ${pick.longitude}`}
            </li>
          ))}
        </ul>
      )}
      {open && query.length >= MIN_LENGTH && results.data?.results.length === 0 && !point && (
        <ul className="search-results">
          <li className="muted">No airport matches “{query}”.</li>
        </ul>
      )}
    </div>
  );
}
