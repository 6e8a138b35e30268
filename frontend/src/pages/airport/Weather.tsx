import { useId, useState } from "react";
import type { AirportDetail, Schemas } from "../../api/types";
import {
  ageText,
  CATEGORY_COLOURS,
  CATEGORY_NAMES,
  ceilingText,
  cloudsText,
  temperatureText,
  visibilityText,
  weatherText,
  windText,
  zuluTime,
  type FlightCategory,
} from "../../lib/weather";

type TafPeriod = Schemas["TafPeriod"];

function CategoryBadge({ category }: { category: FlightCategory | null }) {
  if (!category) return null;
  return (
    <span className="flight-category" style={{ background: CATEGORY_COLOURS[category] }} title={CATEGORY_NAMES[category]}>
      {category}
    </span>
  );
}

function TafTable({ periods }: { periods: TafPeriod[] }) {
  return (
    <table className="table weather-table">
      <thead>
        <tr>
          <th scope="col">Period</th>
          <th scope="col">Category</th>
          <th scope="col">Wind</th>
          <th scope="col">Visibility</th>
          <th scope="col">Weather</th>
          <th scope="col">Clouds</th>
        </tr>
      </thead>
      <tbody>
        {periods.map((period) => (
          <tr key={period.starts_at}>
            <td>
              {zuluTime(period.starts_at)}
              {period.ends_at ? ` – ${zuluTime(period.ends_at)}` : ""}
            </td>
            <td>
              <CategoryBadge category={period.flight_category ?? null} />
            </td>
            <td>{windText(period)}</td>
            <td>{visibilityText(period.visibility_sm)}</td>
            <td>{weatherText(period.weather)}</td>
            <td>{cloudsText(period.cloud_layers)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The latest METAR and TAF; shown only when the API sends weather (a METAR under 2 hours old). */
export function Weather({ airport }: { airport: AirportDetail }) {
  const id = useId();
  const [showTafs, setShowTafs] = useState(false);
  const weather = airport.weather;
  if (!weather) return null;
  const { metar, tafs } = weather;
  const category = metar.flight_category ?? null;
  return (
    <section className="card weather" id="weather-reports" aria-labelledby={`${id}-title`}>
      <header
        className="weather-header"
        style={category ? { background: CATEGORY_COLOURS[category] } : undefined}
        data-category={category ?? undefined}
      >
        <h2 id={`${id}-title`}>Current Weather</h2>
        {category && (
          <span className="weather-category" title={CATEGORY_NAMES[category]}>
            {category}
          </span>
        )}
      </header>
      <p className="small weather-disclaimer" role="note">
        {weather.disclaimer}
      </p>
      <table className="table weather-table">
        <tbody>
          <tr>
            <th scope="row">Observed</th>
            <td>
              {zuluTime(metar.observed_at)} <span className="muted">({ageText(metar.observed_at)})</span>
            </td>
          </tr>
          <tr>
            <th scope="row">Ceiling</th>
            <td>{ceilingText(metar.ceiling_ft)}</td>
          </tr>
          <tr>
            <th scope="row">Wind</th>
            <td>{windText(metar)}</td>
          </tr>
          <tr>
            <th scope="row">Temperature / Dew point</th>
            <td>{temperatureText(metar.temperature_c, metar.dewpoint_c)}</td>
          </tr>
          <tr>
            <th scope="row">Weather</th>
            <td>{weatherText(metar.weather)}</td>
          </tr>
          <tr>
            <th scope="row">Visibility</th>
            <td>{visibilityText(metar.visibility_sm)}</td>
          </tr>
          <tr>
            <th scope="row">Clouds</th>
            <td>{cloudsText(metar.cloud_layers)}</td>
          </tr>
          <tr>
            <th scope="row">METAR</th>
            <td>
              <code className="weather-raw">{metar.raw}</code>
            </td>
          </tr>
        </tbody>
      </table>
      {tafs.length > 0 && (
        <>
          <button
            type="button"
            className="link"
            aria-expanded={showTafs}
            aria-controls={`${id}-tafs`}
            onClick={() => setShowTafs(!showTafs)}
          >
            {showTafs ? "Hide TAFs" : "Show TAFs"}
          </button>
          {showTafs && (
            <div id={`${id}-tafs`}>
              <p>
                <code className="weather-raw">{tafs[0]?.raw}</code>
              </p>
              <TafTable periods={tafs} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
