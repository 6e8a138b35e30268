import { lazy, Suspense, useEffect, useId } from "react";
import { Link, useParams } from "react-router";
import { api, call } from "../../api/client";
import { isAdmin, useMeta, useSession, type AirportDetail, type Schemas } from "../../api/queries";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { Comments } from "./Comments";
import { Access, Diagram, Remarks, Similar, Statistics } from "./Details";
import { Events } from "./Events";
import { Photos } from "./Photos";
import { Tags } from "./Tags";
import { Weather } from "./Weather";
import { Webcams } from "./Webcams";
import { WikiEditor } from "./WikiEditor";
import { AirportNotices, THEMES, WIKI_FIELDS, colour, formatCoordinates, useAirport, useAirportAction } from "./shared";
import "./airport.css";

const AirportMap = lazy(() => import("./AirportMap"));

/** The description for search engines and link previews. */
function summary(airport: AirportDetail): string {
  const text = airport.wiki.description.text?.replace(/[#*_>`[\]()]/g, "").replace(/\s+/g, " ").trim();
  if (text) return text.length > 160 ? `${text.slice(0, 157)}…` : text;
  const place = [airport.city, airport.state].filter(Boolean).join(", ");
  return `${airport.name}${place ? ` in ${place}` : ""}: pilot information on parking, fuel, fees, crew cars and more.`;
}

function CoverHeader({ airport }: { airport: AirportDetail }) {
  const meta = useMeta();
  const session = useSession();
  const id = useId();
  const { run, busy, error } = useAirportAction();
  const facility = meta.data?.facility_types.find((type) => type.name === airport.facility_type);
  const themeColour = colour(facility?.colour, "#43a047");

  function changeTheme(value: Schemas["CoverImage"]) {
    void run(() =>
      call(
        api.PATCH("/api/v1/airports/{code}", {
          params: { path: { code: airport.code } },
          body: { cover_image: { value, base: airport.field_versions.cover_image ?? "" } },
        }),
      ),
    );
  }

  return (
    <header
      className={`airport-cover cover-${airport.cover_image}`}
      style={airport.cover_image === "default" ? { background: `linear-gradient(135deg, ${themeColour}, color-mix(in srgb, ${themeColour} 55%, #000))` } : undefined}
    >
      <h1>
        {airport.code} - {airport.name}
      </h1>
      <p className="cover-sub">
        {formatCoordinates(airport.latitude, airport.longitude)}
        {airport.icao_code && airport.icao_code !== airport.code ? ` · ICAO ${airport.icao_code}` : ""}
      </p>
      <nav className="cover-links" aria-label="Airport pages">
        <Link className="button" to={`/#${airport.zoom_level}/${airport.latitude}/${airport.longitude}`}>
          ← Map
        </Link>
        <Link className="button" to={`/airports/${airport.code}/history`}>
          History
        </Link>
        {isAdmin(session.data) && (
          <Link className="button" to={`/admin/airports/${airport.id}`}>
            Manage
          </Link>
        )}
        <span className="theme-picker">
          <label htmlFor={`${id}-theme`} className="inline">
            Theme
          </label>
          <select
            id={`${id}-theme`}
            value={airport.cover_image}
            disabled={busy}
            onChange={(event) => changeTheme(event.target.value as Schemas["CoverImage"])}
          >
            {THEMES.map((theme) => (
              <option key={theme.value} value={theme.value}>
                {theme.label}
              </option>
            ))}
          </select>
        </span>
      </nav>
      {error && (
        <p className="notice danger" role="alert">
          {error}
        </p>
      )}
    </header>
  );
}

export function AirportView({ airport }: { airport: AirportDetail }) {
  return (
    <article className="airport-page">
      <CoverHeader airport={airport} />
      <AirportNotices airport={airport} />
      {airport.tags.includes("empty") && (
        <p className="notice info" role="note">
          Nobody has written about this airport yet. Been there? Add what you know: every section
          below can be edited.
        </p>
      )}
      <div className="airport-columns">
        <div className="airport-main">
          <Photos airport={airport} />
          <Tags airport={airport} />
          <Events airport={airport} />
          {WIKI_FIELDS.map((field) => (
            <WikiEditor
              key={field.name}
              airport={airport}
              name={field.name}
              label={field.label}
              large={field.name === "description"}
            />
          ))}
        </div>
        <aside className="airport-side">
          <Statistics airport={airport} />
          <Access airport={airport} />
          <Similar airport={airport} />
          <Weather airport={airport} />
          <Suspense fallback={<p className="card spinner">Loading the map…</p>}>
            <AirportMap airport={airport} />
          </Suspense>
          <Diagram airport={airport} />
          <Webcams airport={airport} />
          <Remarks airport={airport} />
        </aside>
      </div>
      <Comments airport={airport} />
    </article>
  );
}

/** Counts one visit of the page (the server ignores crawlers and repeats within half an hour). */
function useVisitCount(code: string | undefined) {
  useEffect(() => {
    if (!code) return;
    api.POST("/api/v1/airports/{code}/views", { params: { path: { code } } }).catch(() => undefined);
  }, [code]);
}

export default function AirportPage() {
  const { code = "" } = useParams();
  const airport = useAirport(code);
  useVisitCount(airport.data?.code);
  usePageTitle(
    airport.data ? `${airport.data.code} - ${airport.data.name}` : undefined,
    airport.data ? summary(airport.data) : undefined,
  );
  if (airport.isPending) return <Loading what="Loading the airport…" />;
  if (airport.isError) return <ErrorMessage error={airport.error} />;
  return <AirportView airport={airport.data} />;
}
