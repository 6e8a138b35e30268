import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { useAirport } from "../../api/airports";
import { useMeta } from "../../api/meta";
import { ErrorMessage, Html, Loading } from "../../components/Layout";
import { placeText } from "../../lib/places";
import { byLength, sizeText, surfaceText } from "../../lib/runways";
import { isKnownZone, sunSummary } from "../../lib/time";
import { arrivalLines, elevationText, fuelText } from "./Facts";
import {
  AirportNotices,
  LANDING_RIGHTS_COLOUR,
  TagChip,
  formatCoordinates,
  landingRightsInfo,
  orderedPhotos,
} from "./shared";
import "./airport.css";

/**
 * A compact airport for the map's side drawer (no map code here): the essentials for landing
 * first, then what pilots wrote. The heading takes the focus whenever another airport opens,
 * so that a keyboard or screen reader user lands on what they chose.
 */
export function AirportSummary({ code, onZoom }: { code: string; onZoom?: () => void }) {
  const airport = useAirport(code);
  const meta = useMeta();
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = airport.data?.code;

  useEffect(() => {
    if (shown) heading.current?.focus();
  }, [shown]);

  if (airport.isPending) return <Loading what="Loading the airport…" />;
  if (airport.isError) return <ErrorMessage error={airport.error} />;
  const data = airport.data;
  const photo = orderedPhotos(data)[0];
  const rights = landingRightsInfo(meta.data, data.landing_rights);
  const arrival = arrivalLines(data);
  const runways = byLength(data.runways).slice(0, 2);
  const place = placeText(data);
  return (
    <article className="airport-summary">
      <header className="summary-header">
        <h2 ref={heading} tabIndex={-1} title={data.official_name !== data.name ? data.official_name : undefined}>
          {data.code} - {data.name}
        </h2>
        <Link to={`/airports/${data.code}`} className="summary-more" aria-label={`More about ${data.code}`}>
          More ›
        </Link>
      </header>
      <p className="small muted row summary-place">
        <span>{[place, formatCoordinates(data.latitude, data.longitude)].filter(Boolean).join(" · ")}</span>
        {onZoom && (
          <button type="button" className="small" onClick={onZoom}>
            Zoom in
          </button>
        )}
      </p>
      <dl className="summary-facts">
        <div>
          <dt>Elevation</dt>
          <dd>{elevationText(data)}</dd>
        </div>
        <div>
          <dt>Fuel</dt>
          <dd>{fuelText(data)}</dd>
        </div>
        {arrival.length > 0 && (
          <div className="wide">
            <dt>Radio</dt>
            <dd>{arrival.join(" · ")}</dd>
          </div>
        )}
        {runways.length > 0 && (
          <div className="wide">
            <dt>{data.runways.length > runways.length ? "Longest runways" : runways.length > 1 ? "Runways" : "Runway"}</dt>
            <dd>
              <ul className="summary-runways">
                {runways.map((runway) => (
                  <li key={runway.number}>
                    <strong>{runway.number}</strong> {[sizeText(runway), surfaceText(runway.surface)].filter(Boolean).join(", ")}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
        {data.sun && isKnownZone(data.sun.timezone) && (
          <div className="wide">
            <dt>Sun today</dt>
            <dd title={data.sun.timezone}>{sunSummary(data.sun)}</dd>
          </div>
        )}
      </dl>
      {photo && <img className="summary-photo" src={photo.url} alt={`Photo of ${data.code}`} loading="lazy" />}
      <AirportNotices airport={data} />
      <p className="landing-rights" style={{ borderColor: LANDING_RIGHTS_COLOUR[data.landing_rights] }}>
        <strong>{rights?.label ?? data.landing_rights}</strong>: {rights?.description ?? ""}
      </p>
      {data.landing_rights === "restricted" && data.landing_requirements_html && <Html html={data.landing_requirements_html} />}
      {data.tags.length > 0 && (
        <ul className="tag-list" aria-label="Tags">
          {data.tags.map((name) => (
            <li key={name}>
              <TagChip meta={meta.data} name={name} />
            </li>
          ))}
        </ul>
      )}
      {data.wiki.description.html ? (
        <Html html={data.wiki.description.html} />
      ) : (
        <p className="muted small">
          No description yet. <Link to={`/airports/${data.code}#add-what-you-know`}>Add one on the airport's page.</Link>
        </p>
      )}
    </article>
  );
}
