import { useId, useState, type FormEvent } from "react";
import { anyPending, latestProblem } from "../../api/status";
import type { AirportDetail, Schemas } from "../../api/types";
import { useAddWebcam, useRemoveWebcam } from "../../api/webcams";

type Webcam = Schemas["WebcamOut"];

/** Hosts the Content-Security-Policy lets us frame (frame-src). */
const FRAME_HOSTS = new Set(["video.nest.com"]);

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** How a webcam can be shown: an image, a frame (allowed hosts only) or a plain link. */
export function webcamKind(webcam: Webcam): "image" | "frame" | "link" {
  let parsed: URL;
  try {
    parsed = new URL(webcam.url);
  } catch {
    return "link";
  }
  if (parsed.protocol !== "https:") return "link";
  if (webcam.kind === "frame") return FRAME_HOSTS.has(parsed.host) ? "frame" : "link";
  return webcam.kind;
}

function WebcamView({ webcam, code }: { webcam: Webcam; code: string }) {
  return webcamKind(webcam) === "frame" ? (
    <iframe className="webcam" src={webcam.url} title={`Webcam at ${code} (${hostOf(webcam.url)})`} loading="lazy" sandbox="allow-scripts allow-same-origin" />
  ) : (
    <a href={webcam.url} target="_blank" rel="noreferrer nofollow">
      <img className="webcam" src={webcam.url} alt={`Webcam at ${code} (${hostOf(webcam.url)})`} loading="lazy" />
    </a>
  );
}

export function Webcams({ airport, editable = true }: { airport: AirportDetail; editable?: boolean }) {
  const id = useId();
  const [url, setUrl] = useState("");
  const addition = useAddWebcam(airport.code);
  const removal = useRemoveWebcam(airport.code);
  const busy = anyPending(addition, removal);
  const error = latestProblem(addition, removal);
  const embeddable = airport.webcams.filter((webcam) => webcamKind(webcam) !== "link");
  const links = airport.webcams.filter((webcam) => webcamKind(webcam) === "link");
  const [first, ...more] = embeddable;

  function add(event: FormEvent) {
    event.preventDefault();
    addition.mutate(url.trim(), { onSuccess: () => setUrl("") });
  }

  function removeButton(webcam: Webcam) {
    if (!editable) return null;
    return (
      <button
        type="button"
        className="link danger small"
        disabled={busy}
        aria-label={`Remove webcam ${webcam.url}`}
        onClick={() => removal.mutate(webcam.id)}
      >
        Remove
      </button>
    );
  }

  return (
    <section className="card" id="webcams" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Webcams</h2>
      {airport.webcams.length === 0 && <p className="muted">No webcams yet.</p>}
      {first && (
        <div className="webcam-item">
          <WebcamView webcam={first} code={airport.code} />
          {removeButton(first)}
        </div>
      )}
      {more.length > 0 && (
        <details>
          <summary>{more.length} more webcam{more.length > 1 ? "s" : ""}</summary>
          {more.map((webcam) => (
            <div key={webcam.id} className="webcam-item">
              <WebcamView webcam={webcam} code={airport.code} />
              {removeButton(webcam)}
            </div>
          ))}
        </details>
      )}
      {links.length > 0 && (
        <ul className="webcam-links">
          {links.map((webcam) => (
            <li key={webcam.id}>
              <a href={webcam.url} target="_blank" rel="noreferrer nofollow">
                {hostOf(webcam.url)}
              </a>{" "}
              {removeButton(webcam)}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <form onSubmit={add}>
          <label htmlFor={`${id}-url`}>Webcam address</label>
          <div className="row">
            <input
              id={`${id}-url`}
              type="url"
              required
              placeholder="https://"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              className="grow"
            />
            <button type="submit" disabled={busy}>
              Add webcam
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
