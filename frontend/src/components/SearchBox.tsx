import { useEffect, useId, useRef, useState } from "react";
import { useMeta } from "../api/meta";
import { useFetchSuggestions, useSuggestions, type Near } from "../api/search";
import type { Schemas } from "../api/types";
import { parseCoordinates } from "../lib/coordinates";
import { facilityText, placeText } from "../lib/places";

export type SearchResult = Schemas["SearchResult"];
export type Pick =
  | { kind: "airport"; airport: SearchResult }
  | { kind: "point"; latitude: number; longitude: number };

const DEBOUNCE_MS = 350;
const MIN_LENGTH = 3;

/** "Vancouver, British Columbia · Airport": what tells two airports of the same name apart. */
function resultDetails(airport: SearchResult, types: readonly { name: string; label: string }[]): string {
  return [placeText(airport), facilityText(airport.facility_type, airport.facility_use, types), airport.closed ? "closed" : ""]
    .filter(Boolean)
    .join(" · ");
}

/**
 * The airport search box: suggestions as you type (debounced), keyboard navigable, and it
 * understands `lat, lon`. Enter always opens the best match for the text as typed: when the
 * suggestions shown are still those of an earlier text, it asks for the current one first.
 */
export function SearchBox({
  onPick,
  near,
  placeholder = "Search airports or lat, lon",
}: {
  onPick: (pick: Pick) => void;
  /** The map's centre, to rank nearer airports first. */
  near?: Near;
  placeholder?: string;
}) {
  const meta = useMeta();
  const fetchSuggestions = useFetchSuggestions(near);
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [asking, setAsking] = useState(false);
  // The text at the last keystroke: an answer that comes back after more typing is dropped.
  const latestText = useRef("");
  const listId = useId();
  const typed = text.trim();

  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(typed), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [typed]);

  const results = useSuggestions(query, near, query.length >= MIN_LENGTH);
  const point = parseCoordinates(query);
  const picks: Pick[] = [
    ...(point ? [{ kind: "point" as const, ...point }] : []),
    ...(results.data?.results ?? []).map((airport) => ({ kind: "airport" as const, airport })),
  ];
  const current = query === typed;
  const listed = open && picks.length > 0;
  const optionId = (index: number) => `${listId}-option-${index}`;

  function choose(pick: Pick | undefined) {
    if (!pick) return;
    setOpen(false);
    if (pick.kind === "airport") {
      setText(pick.airport.code);
      latestText.current = pick.airport.code;
    }
    onPick(pick);
  }

  /** The best match for the text as typed now, asked for when the list shown is not its own. */
  async function chooseTyped() {
    const asked = typed;
    if (!asked) return;
    if (current && results.isSuccess) {
      choose(picks[active]);
      return;
    }
    setQuery(asked);
    const typedPoint = parseCoordinates(asked);
    if (typedPoint) {
      choose({ kind: "point", ...typedPoint });
      return;
    }
    setAsking(true);
    try {
      const found = await fetchSuggestions(asked);
      if (latestText.current.trim() !== asked) return;
      const best = found.results[0];
      if (best) choose({ kind: "airport", airport: best });
      else setOpen(true);
    } catch {
      // The list below says what went wrong once the query settles; nothing is opened.
      setOpen(true);
    } finally {
      setAsking(false);
    }
  }

  return (
    <div className="search-box">
      <input
        type="search"
        role="combobox"
        aria-label="Search airports"
        aria-autocomplete="list"
        aria-expanded={listed}
        aria-controls={listed ? listId : undefined}
        aria-activedescendant={listed && current && picks[active] ? optionId(active) : undefined}
        aria-busy={asking || undefined}
        placeholder={placeholder}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          latestText.current = event.target.value;
          setOpen(true);
          setActive(0);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            setOpen(true);
            // Moving through an out-of-date list would pick from it: bring the current one first.
            if (!current) {
              setQuery(typed);
              setActive(0);
              return;
            }
            const step = event.key === "ArrowDown" ? 1 : -1;
            setActive((index) => Math.min(Math.max(index + step, 0), Math.max(picks.length - 1, 0)));
          } else if (event.key === "Enter") {
            event.preventDefault();
            void chooseTyped();
          } else if (event.key === "Escape") {
            setOpen(false);
          }
        }}
      />
      {listed && (
        <ul className="search-results" id={listId} role="listbox" aria-label="Matching airports">
          {picks.map((pick, index) => (
            <li
              key={pick.kind === "airport" ? pick.airport.code : "point"}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              onMouseEnter={() => setActive(index)}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(pick);
              }}
            >
              {pick.kind === "airport" ? (
                <>
                  <span className="result-title">
                    <strong className="result-code">{pick.airport.code}</strong> {pick.airport.name}
                  </span>
                  <span className="result-details">{resultDetails(pick.airport, meta.data?.facility_types ?? [])}</span>
                </>
              ) : (
                <span className="result-title">
                  Go to {pick.latitude}, {pick.longitude}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {open && current && query.length >= MIN_LENGTH && results.data?.results.length === 0 && !point && (
        <p className="search-results search-empty" role="status">
          No airport matches “{query}”.
        </p>
      )}
      {open && current && results.isError && (
        <p className="search-results search-empty" role="status">
          The search did not answer. Try again in a moment.
        </p>
      )}
    </div>
  );
}
