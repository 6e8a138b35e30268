import { useId } from "react";
import type { AirportDetail } from "../../api/types";
import { externalLinks, isAppleMobile } from "../../lib/externalLinks";
import { arrivalFrequencies, formatMhz, frequencyName, sortFrequencies } from "../../lib/frequencies";
import { placeText, titleCase } from "../../lib/places";
import { byLength, patternText, runwayDetails, sizeText } from "../../lib/runways";
import { isKnownZone, sunLines, sunSummary, zoneLabel } from "../../lib/time";
import { formatDate } from "./shared";

const feet = new Intl.NumberFormat("en-US");

export function elevationText(airport: AirportDetail): string {
  return airport.elevation_ft !== null ? `${feet.format(airport.elevation_ft)} ft` : "Unknown";
}

export function fuelText(airport: AirportDetail): string {
  return airport.fuel_types.length ? airport.fuel_types.join(", ") : "None listed";
}

function towerText(tower: string | null): string | null {
  if (!tower) return null;
  return tower === "NON-ATCT" ? "No tower" : `Towered (${tower})`;
}

/** ["Tower 120.20, 132.95", "CTAF 132.95"]: what to call on arrival. */
export function arrivalLines(airport: AirportDetail): string[] {
  return arrivalFrequencies(airport.frequencies).map((item) => `${item.name} ${item.values.join(", ")}`);
}

/** Today's dawn, sunrise, sunset and dusk at the airport, in its own time zone. */
export function SunTimes({ sun }: { sun: AirportDetail["sun"] }) {
  if (!sun || !isKnownZone(sun.timezone)) return null;
  const lines = sunLines(sun);
  const noon = `${sun.date}T12:00:00`;
  return (
    <div className="sun-times" data-timezone={sun.timezone}>
      {!sun.sunrise && !sun.sunset && <p className="small">{sunSummary(sun)}</p>}
      <ul className="sun-list">
        {lines.map((line) => (
          <li key={line.label}>
            <span className="sun-label">{line.label}</span>{" "}
            {line.at ? <time dateTime={line.at}>{line.time}</time> : <span className="muted">{line.time}</span>}
          </li>
        ))}
      </ul>
      <p className="small muted sun-zone">
        {formatDate(sun.date)}, local time at the airport: {zoneLabel(sun.timezone, sun.sunrise ?? noon)}
      </p>
    </div>
  );
}

function Runways({ airport }: { airport: AirportDetail }) {
  if (airport.runways.length === 0) return <p className="muted">No runway is listed.</p>;
  return (
    <ul className="runway-list">
      {byLength(airport.runways).map((runway) => {
        const pattern = patternText(runway.ends);
        return (
          <li key={runway.number} className="runway">
            <div className="runway-title">
              <strong>{runway.number.startsWith("H") ? `Helipad ${runway.number}` : `Runway ${runway.number}`}</strong>
              {sizeText(runway) && <span className="runway-size">{sizeText(runway)}</span>}
            </div>
            <div className="small">{runwayDetails(runway)}</div>
            {pattern && <div className="small runway-pattern">Traffic pattern: {pattern}</div>}
          </li>
        );
      })}
    </ul>
  );
}

function Frequencies({ airport }: { airport: AirportDetail }) {
  if (airport.frequencies.length === 0) return <p className="muted">No frequency is listed.</p>;
  return (
    <div className="scroll-x">
      <table className="table small frequency-table">
        <caption className="visually-hidden">Frequencies</caption>
        <thead>
          <tr>
            <th scope="col">Use</th>
            <th scope="col">MHz</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {sortFrequencies(airport.frequencies).map((frequency, index) => (
            <tr key={`${frequency.use}-${frequency.frequency_mhz}-${index}`}>
              <th scope="row" title={frequency.use}>
                {frequencyName(frequency.use)}
              </th>
              <td className="frequency">{formatMhz(frequency.frequency_mhz)}</td>
              <td>{[frequency.use, frequencyName(frequency.use)].includes(frequency.description ?? "") ? "" : frequency.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The airport on SkyVector, AirNav and 100LL.com, and in ForeFlight on an iPhone or iPad. */
function ExternalLinks({ airport }: { airport: AirportDetail }) {
  const links = externalLinks(airport, isAppleMobile(navigator.userAgent, navigator.maxTouchPoints));
  return (
    <ul className="external-links" aria-label="This airport on other sites">
      {links.map((link) => (
        <li key={link.label}>
          {link.app ? (
            <a href={link.href}>{link.label}</a>
          ) : (
            <a href={link.href} target="_blank" rel="noopener noreferrer">
              {link.label}
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * What a pilot needs before landing, first on every width: elevation, the frequencies to call,
 * the runways with their traffic pattern, fuel (with links to SkyVector, AirNav and fuel prices)
 * and today's sun times.
 */
export function Facts({ airport }: { airport: AirportDetail }) {
  const id = useId();
  const tower = towerText(airport.tower_type);
  const arrival = arrivalLines(airport);
  const place = placeText(airport);
  return (
    <section className="card facts" id="facts" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Before you land</h2>
      <dl className="fact-grid">
        <div>
          <dt>Elevation</dt>
          <dd>{elevationText(airport)}</dd>
        </div>
        {arrival.length > 0 && (
          <div>
            <dt>Call on arrival</dt>
            {arrival.map((line) => (
              <dd key={line}>{line}</dd>
            ))}
          </div>
        )}
        <div>
          <dt>Fuel</dt>
          <dd>{fuelText(airport)}</dd>
        </div>
        {tower && (
          <div>
            <dt>Tower</dt>
            <dd>{tower}</dd>
          </div>
        )}
        {place && (
          <div>
            <dt>Location</dt>
            <dd>
              {place}
              {airport.city_distance_nm !== null && airport.city ? (
                <span className="small muted fact-note">
                  {airport.city_distance_nm} NM from {airport.city}
                </span>
              ) : null}
            </dd>
          </div>
        )}
        {airport.sectional && (
          <div>
            <dt>Sectional</dt>
            <dd>{titleCase(airport.sectional)}</dd>
          </div>
        )}
      </dl>
      <ExternalLinks airport={airport} />
      {airport.sun && (
        <>
          <h3>Sun today</h3>
          <SunTimes sun={airport.sun} />
        </>
      )}
      <h3>Runways</h3>
      <Runways airport={airport} />
      <h3>Frequencies</h3>
      <Frequencies airport={airport} />
      {airport.activation_date && <p className="small muted">Open since {formatDate(airport.activation_date)}.</p>}
    </section>
  );
}
