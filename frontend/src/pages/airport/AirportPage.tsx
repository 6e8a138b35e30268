import { lazy, Suspense, useEffect, useId } from "react";
import { Link, useLocation, useParams } from "react-router";
import { isAdmin, useSession } from "../../api/account";
import { useAirport, useEditAirport, useRecordView } from "../../api/airports";
import { errorText } from "../../api/errors";
import { useMeta } from "../../api/meta";
import type { AirportDetail, Schemas } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { Comments } from "./Comments";
import { Access, Completion, Diagram, Remarks, Similar } from "./Details";
import { Events } from "./Events";
import { Facts } from "./Facts";
import { Photos } from "./Photos";
import { Tags } from "./Tags";
import { Weather } from "./Weather";
import { Webcams } from "./Webcams";
import { WikiSections } from "./WikiEditor";
import { AirportNotices, THEMES, colour, formatCoordinates } from "./shared";
import { placeText } from "../../lib/places";
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
  const edit = useEditAirport(airport.code);
  const facility = meta.data?.facility_types.find((type) => type.name === airport.facility_type);
  const themeColour = colour(facility?.colour, "#43a047");

  function changeTheme(value: Schemas["CoverImage"]) {
    edit.mutate({ cover_image: { value, base: airport.field_versions.cover_image ?? "" } });
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
        {[placeText(airport), formatCoordinates(airport.latitude, airport.longitude), airport.icao_code && airport.icao_code !== airport.code ? `ICAO ${airport.icao_code}` : ""]
          .filter(Boolean)
          .join(" · ")}
      </p>
      <OfficialName airport={airport} />
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
            disabled={edit.isPending}
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
      {edit.isError && (
        <p className="notice danger" role="alert">
          {errorText(edit.error)}
        </p>
      )}
    </header>
  );
}

/**
 * The name and city exactly as the FAA (or OurAirports) publishes them, when they differ from
 * the title case shown: what a pilot reads on the chart supplement and in flight planners.
 */
function OfficialName({ airport }: { airport: AirportDetail }) {
  const name = airport.official_name !== airport.name ? airport.official_name : null;
  const city = airport.official_city && airport.official_city !== airport.city ? airport.official_city : null;
  if (!name && !city) return null;
  const source = airport.data_source === "faa" ? "FAA" : airport.data_source === "our_airports" ? "OurAirports" : "Published";
  return (
    <p className="cover-official" lang="en">
      {source}: {[name ?? airport.official_name, city].filter(Boolean).join(", ")}
    </p>
  );
}

/**
 * The facts a pilot needs before landing come first on every width (a phone shows them right
 * under the title); what pilots wrote follows.
 */
export function AirportView({ airport }: { airport: AirportDetail }) {
  return (
    <article className="airport-page">
      <CoverHeader airport={airport} />
      <AirportNotices airport={airport} />
      {/* Two columns on a desktop; on a phone one, in the order of the slots' classes (airport.css). */}
      <div className="airport-columns airport-facts">
        <div className="airport-main">
          <div className="slot-facts">
            <Facts airport={airport} />
          </div>
          <div className="slot-map">
            <Suspense fallback={<p className="card spinner">Loading the map…</p>}>
              <AirportMap airport={airport} />
            </Suspense>
          </div>
          <div className="slot-remarks">
            <Remarks airport={airport} />
          </div>
        </div>
        <div className="airport-side">
          <div className="slot-weather">
            <Weather airport={airport} />
          </div>
          <div className="slot-access">
            <Access airport={airport} />
          </div>
          <div className="slot-diagram">
            <Diagram airport={airport} />
          </div>
        </div>
      </div>
      <h2 className="part-title">From pilots who have been there</h2>
      <div className="airport-columns airport-community">
        <div className="airport-main">
          <Tags airport={airport} />
          <WikiSections airport={airport} />
          <Photos airport={airport} />
          <Events airport={airport} />
          <Comments airport={airport} />
        </div>
        <aside className="airport-side" aria-label="More about the airport">
          <Completion airport={airport} />
          <Webcams airport={airport} />
          <Similar airport={airport} />
        </aside>
      </div>
    </article>
  );
}

/** A link to a part of the page (`#add-what-you-know`) scrolls there once the page is drawn. */
function useScrollToHash(ready: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || hash.length < 2) return;
    document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView({ block: "start" });
  }, [ready, hash]);
}

export default function AirportPage() {
  const { code = "" } = useParams();
  const airport = useAirport(code);
  useRecordView(airport.data?.code);
  useScrollToHash(airport.isSuccess);
  usePageTitle(
    airport.data ? `${airport.data.code} - ${airport.data.name}` : undefined,
    airport.data ? summary(airport.data) : undefined,
  );
  if (airport.isPending) return <Loading what="Loading the airport…" />;
  if (airport.isError) return <ErrorMessage error={airport.error} />;
  return <AirportView airport={airport.data} />;
}
