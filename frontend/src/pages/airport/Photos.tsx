import { useId, useState } from "react";
import { api, call } from "../../api/client";
import type { AirportDetail } from "../../api/queries";
import { orderedPhotos, useAirportAction } from "./shared";

const MAX_BYTES = 5 * 1024 * 1024;

/** Photo carousel (featured first), "Set featured" and the upload with its licence notice. */
export function Photos({ airport, editable = true }: { airport: AirportDetail; editable?: boolean }) {
  const photos = orderedPhotos(airport);
  const [chosen, setIndex] = useState(0);
  const index = Math.min(chosen, Math.max(0, photos.length - 1));
  const photo = photos[index];
  const { run, busy, error, setError } = useAirportAction();
  const [done, setDone] = useState<string | null>(null);
  const inputId = useId();

  async function upload(files: FileList | null) {
    if (!files || files.length === 0) return;
    setDone(null);
    const list = Array.from(files);
    const wrong = list.find((file) => !["image/jpeg", "image/png"].includes(file.type) || file.size > MAX_BYTES);
    if (wrong) {
      setError(`${wrong.name}: photos must be JPEG or PNG files of at most 5 MB.`);
      return;
    }
    let count = 0;
    for (const file of list) {
      const form = new FormData();
      form.append("file", file);
      const result = await run(() =>
        call(
          api.POST("/api/v1/airports/{code}/photos", {
            params: { path: { code: airport.code } },
            body: { file: "" },
            bodySerializer: () => form,
          }),
        ),
      );
      if (!result.ok) return;
      count += 1;
    }
    setDone(count === 1 ? "Photo added. Thank you!" : `${count} photos added. Thank you!`);
  }

  async function feature(id: string) {
    const result = await run(() =>
      call(
        api.PATCH("/api/v1/airports/{code}", {
          params: { path: { code: airport.code } },
          body: { featured_photo_id: { value: id, base: airport.field_versions.featured_photo_id ?? "" } },
        }),
      ),
    );
    if (result.ok) setIndex(0);
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
            {editable && photo.id !== airport.featured_photo_id && (
              <button type="button" disabled={busy} onClick={() => void feature(photo.id)}>
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
            JPEG or PNG, at most 5 MB each. Photos you upload are shared under the{" "}
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
