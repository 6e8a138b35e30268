import { useId, useState, type FormEvent } from "react";
import { errorText } from "../../api/errors";
import { useDeleteEvent, useEvents, useSaveEvent } from "../../api/events";
import { useLimits } from "../../api/meta";
import type { AirportDetail, Schemas } from "../../api/types";
import { ErrorMessage, Html } from "../../components/Layout";
import { dayChoices, localDate, parseLocalDate, recurrenceText, toRecurrence, type Cadence } from "../../lib/recurrence";
import { instantOf, localInput, zoneLabel } from "../../lib/time";

type EventOut = Schemas["EventOut"];

/** "Sat, Jun 14, 2025, 9:00 AM – 5:00 PM PDT" in the event's (airport's) time zone. */
export function eventWhen(startsAt: string, endsAt: string, timeZone: string): string {
  const day = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric", year: "numeric" });
  const time = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" });
  const zone = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" })
    .formatToParts(new Date(startsAt))
    .find((part) => part.type === "timeZoneName")?.value;
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const sameDay = day.format(start) === day.format(end);
  const text = sameDay
    ? `${day.format(start)}, ${time.format(start)} – ${time.format(end)}`
    : `${day.format(start)}, ${time.format(start)} – ${day.format(end)}, ${time.format(end)}`;
  return zone ? `${text} ${zone}` : text;
}

function EventItem({ event, airport, editable }: { event: EventOut; airport: AirportDetail; editable: boolean }) {
  const remove = useDeleteEvent(airport.code);
  const [editing, setEditing] = useState(false);
  const next = event.next[0];
  if (editing) {
    return (
      <li className="event">
        <EventForm airport={airport} event={event} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li className="event">
      <h3>{event.name}</h3>
      {next && <p className="event-when">{eventWhen(next.starts_at, next.ends_at, event.timezone)}</p>}
      {event.recurrence && next && (
        <p className="small muted">{recurrenceText(event.recurrence, localDate(next.starts_at, event.timezone))}</p>
      )}
      {(event.location || event.host) && (
        <p className="small">
          {event.location && <>Where: {event.location}</>}
          {event.location && event.host && " · "}
          {event.host && <>Host: {event.host}</>}
        </p>
      )}
      <p className="small">
        {event.url && (
          <>
            <a href={event.url} target="_blank" rel="noopener noreferrer nofollow">
              Event website
            </a>
            {" · "}
          </>
        )}
        <a
          href={`/api/v1/airports/${encodeURIComponent(airport.code)}/events/${encodeURIComponent(event.id)}.ics`}
          download
          aria-label={`Add to calendar: ${event.name}`}
        >
          Add to calendar
        </a>
      </p>
      {event.html && <Html html={event.html} />}
      {editable && (
        <div className="actions">
          <button type="button" className="small" aria-label={`Edit event ${event.name}`} onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            type="button"
            className="danger small"
            disabled={remove.isPending}
            aria-label={`Delete event ${event.name}`}
            onClick={() => {
              if (window.confirm(`Delete the event “${event.name}”?`)) remove.mutate(event.id);
            }}
          >
            Delete
          </button>
        </div>
      )}
      {remove.isError && (
        <p className="error small" role="alert">
          {errorText(remove.error)}
        </p>
      )}
    </li>
  );
}

const CADENCES: { value: Cadence; label: string }[] = [
  { value: "daily", label: "Day(s)" },
  { value: "weekly", label: "Week(s)" },
  { value: "monthly", label: "Month(s)" },
  { value: "yearly", label: "Year(s)" },
];

/** The "repeat on" choice an event's recurrence stands for (see dayChoices). */
function choiceOf(recurrence: EventOut["recurrence"]): string {
  if (!recurrence) return "";
  if (recurrence.week_of_month) return `week_${recurrence.week_of_month}`;
  if (recurrence.day_of_month) return `day_${recurrence.day_of_month}`;
  return recurrence.cadence === "yearly" ? "day" : "";
}

/** Adds an event, or with `event` changes that one (starting from its next occurrence). */
function EventForm({ airport, event: existing, onDone }: { airport: AirportDetail; event?: EventOut; onDone: () => void }) {
  const id = useId();
  const save = useSaveEvent(airport.code);
  const limits = useLimits();
  const first = existing?.next[0];
  // Always the airport's zone, whatever the visitor's browser is set to: a fly-in at 9:00 is
  // 9:00 on the airport's clock. Without a known zone the times are still the airport's own.
  const zone = existing?.timezone ?? airport.timezone;
  const [name, setName] = useState(existing?.name ?? "");
  const [startsAt, setStartsAt] = useState(first && zone ? localInput(first.starts_at, zone) : "");
  const [endsAt, setEndsAt] = useState(first && zone ? localInput(first.ends_at, zone) : "");
  const [location, setLocation] = useState(existing?.location ?? "");
  const [host, setHost] = useState(existing?.host ?? "");
  const [url, setUrl] = useState(existing?.url ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const [recurring, setRecurring] = useState(Boolean(existing?.recurrence));
  const [interval, setInterval] = useState(existing?.recurrence?.interval ?? 1);
  const [cadence, setCadence] = useState<Cadence>(existing?.recurrence?.cadence ?? "monthly");
  const [dayChoice, setDayChoice] = useState(choiceOf(existing?.recurrence ?? null));
  const startDate = parseLocalDate(startsAt);
  const choices = startDate ? dayChoices(cadence, startDate) : [];
  // The chosen "on" option, or the first one when the start date changed the options.
  const choice = choices.find((item) => item.value === dayChoice)?.value ?? choices[0]?.value ?? null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: Schemas["EventIn"] = {
      name: name.trim(),
      starts_at: startsAt,
      ends_at: endsAt,
      location: location.trim() || null,
      host: host.trim() || null,
      url: url.trim() || null,
      description: description.trim() || null,
      recurrence: recurring ? toRecurrence(cadence, interval, choice) : null,
      // Left out: the server places the local times in the airport's zone, and refuses any other.
    };
    save.mutate({ id: existing?.id, body }, { onSuccess: onDone });
  }

  return (
    <form className="event-form" onSubmit={submit}>
      <label htmlFor={`${id}-name`}>Event name</label>
      <input id={`${id}-name`} required maxLength={limits?.event_name_max_length} value={name} onChange={(e) => setName(e.target.value)} />
      <div className="form-pair">
        <div>
          <label htmlFor={`${id}-start`}>Starts</label>
          <input id={`${id}-start`} type="datetime-local" required value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </div>
        <div>
          <label htmlFor={`${id}-end`}>Ends</label>
          <input
            id={`${id}-end`}
            type="datetime-local"
            required
            min={startsAt || undefined}
            value={endsAt}
            onChange={(e) => setEndsAt(e.target.value)}
          />
        </div>
      </div>
      <p className="small muted event-zone">
        {zone
          ? `Times are local to the airport: ${zoneLabel(zone, (startsAt && instantOf(startsAt, zone)) || new Date())}.`
          : "Times are local to the airport."}
      </p>
      <label className="inline">
        <input type="checkbox" checked={recurring} onChange={(e) => setRecurring(e.target.checked)} />
        Recurring event
      </label>
      {recurring && (
        <fieldset>
          <legend>Repeats</legend>
          <div className="row">
            <label htmlFor={`${id}-interval`} className="inline">
              Every
            </label>
            <input
              id={`${id}-interval`}
              type="number"
              min={1}
              max={52}
              value={interval}
              onChange={(e) => setInterval(Number(e.target.value))}
              className="narrow"
            />
            <label htmlFor={`${id}-cadence`} className="visually-hidden">
              Repeat unit
            </label>
            <select id={`${id}-cadence`} value={cadence} onChange={(e) => setCadence(e.target.value as Cadence)}>
              {CADENCES.map((item) => (
                <option key={item.value} value={item.value}>
                  {item.label}
                </option>
              ))}
            </select>
          </div>
          {choices.length > 0 && (
            <>
              <label htmlFor={`${id}-on`}>Repeat on</label>
              <select id={`${id}-on`} value={choice ?? ""} onChange={(e) => setDayChoice(e.target.value)}>
                {choices.map((item) => (
                  <option key={item.value} value={item.value}>
                    {item.label}
                  </option>
                ))}
              </select>
            </>
          )}
          {(cadence === "monthly" || cadence === "yearly") && !startDate && (
            <p className="small muted">Choose the start first to pick the day it repeats on.</p>
          )}
          {startDate && (
            <p className="small muted">{recurrenceText(toRecurrence(cadence, interval, choice), startDate)}</p>
          )}
        </fieldset>
      )}
      <label htmlFor={`${id}-location`}>Location</label>
      <input id={`${id}-location`} maxLength={limits?.event_location_max_length} value={location} onChange={(e) => setLocation(e.target.value)} placeholder="e.g. the FBO hangar" />
      <label htmlFor={`${id}-host`}>Host</label>
      <input id={`${id}-host`} maxLength={limits?.event_host_max_length} value={host} onChange={(e) => setHost(e.target.value)} />
      <label htmlFor={`${id}-url`}>Event website</label>
      {/* Text, not type="url": a link typed without https:// is taken, and the API adds it. */}
      <input id={`${id}-url`} type="text" inputMode="url" autoComplete="url" maxLength={255} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="eaa84.org/fly-in" />
      <label htmlFor={`${id}-description`}>Event details</label>
      <textarea id={`${id}-description`} maxLength={limits?.event_description_max_length} value={description} onChange={(e) => setDescription(e.target.value)} />
      {save.isError && (
        <p className="error" role="alert">
          {errorText(save.error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : existing ? "Save event" : "Add event"}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Upcoming events with their next dates in the airport's time zone, the .ics link and the form. */
export function Events({ airport, editable = true }: { airport: AirportDetail; editable?: boolean }) {
  const events = useEvents(airport.code);
  const [adding, setAdding] = useState(false);
  const list = events.data ?? [];
  return (
    <section className="card" id="events" aria-labelledby="events-title">
      <div className="row">
        <h2 id="events-title">Upcoming Events</h2>
        <span className="spacer" />
        {editable && !adding && (
          <button type="button" className="small" onClick={() => setAdding(true)}>
            Add an event
          </button>
        )}
      </div>
      {events.isError && <ErrorMessage error={events.error} />}
      {events.isSuccess && list.length === 0 && !adding && <p className="muted">No upcoming events.</p>}
      {list.length > 0 && (
        <ul className="event-list">
          {list.map((event) => (
            <EventItem key={event.id} event={event} airport={airport} editable={editable} />
          ))}
        </ul>
      )}
      {list.length > 0 && (
        <p className="small">
          <a href={`/api/v1/airports/${encodeURIComponent(airport.code)}/events.ics`} download>
            Add these events to your calendar (.ics)
          </a>
        </p>
      )}
      {adding && <EventForm airport={airport} onDone={() => setAdding(false)} />}
    </section>
  );
}
