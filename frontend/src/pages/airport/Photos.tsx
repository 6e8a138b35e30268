import { useId, useState } from "react";
import { useEditAirport } from "../../api/airports";
import { useLimits } from "../../api/meta";
import { useAddPhoto } from "../../api/photos";
import { anyPending, latestProblem } from "../../api/status";
import type { AirportDetail, Schemas } from "../../api/types";
import { orderedPhotos } from "./shared";

/** "5 MB", "2.5 MB": the largest photo accepted. */
function megabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/** Who took a photo from Google Places, linked to their page, and "Google Maps" (as Google
 * requires wherever its photos are shown). */
function GoogleCredit({ authors }: { authors: Schemas["PhotoAuthor"][] }) {
  return (
    <span className="muted">
      {authors.length > 0 && "Photo by "}
      {authors.map((author, index) => (
        <span key={`${author.name}-${index}`}>
          {index > 0 && ", "}
          {author.url ? (
            <a href={author.url} target="_blank" rel="noreferrer">
              {author.name}
            </a>
          ) : (
            author.name
          )}
        </span>
      ))}
      {authors.length > 0 && " · "}
      Google Maps
    </span>
  );
}

/** Photo carousel (featured first, then pilots' newest first, then Google's with their
 * authors), "Set featured" and the upload with its licence notice. */
export function Photos({ airport, editable = true }: { airport: AirportDetail; editable?: boolean }) {
  const photos = orderedPhotos(airport);
  const [chosen, setIndex] = useState(0);
  const index = Math.min(chosen, Math.max(0, photos.length - 1));
  const photo = photos[index];
  const add = useAddPhoto(airport.code);
  const edit = useEditAirport(airport.code);
  const limits = useLimits();
  const largest = limits ? megabytes(limits.photo_max_bytes) : null;
  const [refused, setRefused] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const busy = anyPending(add, edit);
  const error = refused ?? latestProblem(add, edit);
  const inputId = useId();

  async function upload(files: FileList | null) {
    if (!files || files.length === 0) return;
    setDone(null);
    setRefused(null);
    const list = Array.from(files);
    const wrong = list.find(
      (file) => !["image/jpeg", "image/png"].includes(file.type) || (limits && file.size > limits.photo_max_bytes),
    );
    if (wrong) {
      setRefused(`${wrong.name}: photos must be JPEG or PNG files${largest ? ` of at most ${largest}` : ""}.`);
      return;
    }
    let count = 0;
    for (const file of list) {
      try {
        await add.mutateAsync(file);
      } catch {
        return;
      }
      count += 1;
    }
    setDone(count === 1 ? "Photo added. Thank you!" : `${count} photos added. Thank you!`);
  }

  function feature(id: string) {
    setRefused(null);
    edit.mutate(
      { featured_photo_id: { value: id, base: airport.field_versions.featured_photo_id ?? "" } },
      { onSuccess: () => setIndex(0) },
    );
  }

  return (
    <section className="card photos" aria-label="Photos">
      {photo ? (
        <figure className="carousel">
          <img
            src={photo.url}
            width={photo.width}
            height={photo.height}
            alt={`Photo ${index + 1} of ${photos.length} of ${airport.code}`}
            loading="lazy"
          />
          <figcaption className="row small">
            {photos.length > 1 && (
              <button type="button" aria-label="Previous photo" onClick={() => setIndex((index - 1 + photos.length) % photos.length)}>
                ‹
              </button>
            )}
            <span>
              Photo {index + 1} of {photos.length}
              {photo.id === airport.featured_photo_id ? " · Featured" : ""}
            </span>
            {photos.length > 1 && (
              <button type="button" aria-label="Next photo" onClick={() => setIndex((index + 1) % photos.length)}>
                ›
              </button>
            )}
            <span className="spacer" />
            {photo.source === "external" && <GoogleCredit authors={photo.attributions} />}
            {editable && photo.id !== airport.featured_photo_id && (
              <button type="button" disabled={busy} onClick={() => feature(photo.id)}>
                Set featured
              </button>
            )}
          </figcaption>
        </figure>
      ) : (
        <p className="muted">No photos of this airport yet.</p>
      )}
      {editable && (
        <div className="photo-upload">
          <label htmlFor={inputId} className="button">
            Add a photo
          </label>
          <input
            id={inputId}
            className="file-input"
            type="file"
            accept="image/jpeg,image/png"
            multiple
            disabled={busy}
            onChange={(event) => {
              void upload(event.target.files);
              event.target.value = "";
            }}
          />
          {busy && <span className="muted small"> Uploading…</span>}
          <p className="small muted">
            JPEG or PNG{largest ? `, at most ${largest} each` : ""}. Photos you upload are shared under the{" "}
            <a href="https://creativecommons.org/licenses/by-sa/4.0/" target="_blank" rel="noreferrer">
              Creative Commons CC BY-SA 4.0
            </a>{" "}
            licence.
          </p>
          {done && (
            <p className="success small" role="status">
              {done}
            </p>
          )}
          {error && (
            <p className="error small" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
