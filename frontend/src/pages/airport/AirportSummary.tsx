import { Link } from "react-router";
import { useMeta } from "../../api/queries";
import { ErrorMessage, Html, Loading } from "../../components/Layout";
import { RunwayBox } from "./Details";
import {
  AirportNotices,
  LANDING_RIGHTS_COLOUR,
  TagChip,
  formatCoordinates,
  landingRightsInfo,
  orderedPhotos,
  runwaysByLength,
  useAirport,
} from "./shared";
import "./airport.css";

/** A compact airport for the map's side drawer (no map code here). */
export function AirportSummary({ code, onZoom }: { code: string; onZoom?: () => void }) {
  const airport = useAirport(code);
  const meta = useMeta();
  if (airport.isPending) return <Loading what="Loading the airport…" />;
  if (airport.isError) return <ErrorMessage error={airport.error} />;
  const data = airport.data;
  const photo = orderedPhotos(data)[0];
  const rights = landingRightsInfo(meta.data, data.landing_rights);
  return (
    <article className="airport-summary">
      <header className="row">
        <h2>
          {data.code} - {data.name}
        </h2>
        <span className="spacer" />
        <Link to={`/airports/${data.code}`} aria-label={`More about ${data.code}`}>
          More &gt;
        </Link>
      </header>
      <p className="small muted row">
        <span>{formatCoordinates(data.latitude, data.longitude)}</span>
        {onZoom && (
          <button type="button" className="small" onClick={onZoom}>
            Zoom In
          </button>
        )}
      </p>
      {photo && <img className="summary-photo" src={photo.url} alt={`Photo of ${data.code}`} loading="lazy" />}
      <AirportNotices airport={data} />
      {data.tags.length > 0 && (
        <ul className="tag-list">
          {data.tags.map((name) => (
            <li key={name}>
              <TagChip meta={meta.data} name={name} />
            </li>
          ))}
        </ul>
      )}
      {data.runways.length > 0 && (
        <div className="stats">
          {runwaysByLength(data)
            .slice(0, 3)
            .map((runway) => (
              <RunwayBox key={runway.number} runway={runway} />
            ))}
        </div>
      )}
      <p className="landing-rights" style={{ borderColor: LANDING_RIGHTS_COLOUR[data.landing_rights] }}>
        <strong>{rights?.label ?? data.landing_rights}</strong>: {rights?.description ?? ""}
      </p>
      {data.landing_rights === "restricted" && data.landing_requirements_html && <Html html={data.landing_requirements_html} />}
      {data.wiki.description.html ? (
        <Html html={data.wiki.description.html} />
      ) : (
        <p className="muted small">
          No description yet. <Link to={`/airports/${data.code}`}>Add one on the airport's page.</Link>
        </p>
      )}
    </article>
  );
}
