import { useEffect, useId, useRef } from "react";
import { useOfflinePacks } from "../../api/meta";
import type { Schemas } from "../../api/types";
import { ErrorMessage } from "../../components/Layout";
import { cycleText, fileLabel, layerText, orderedFiles, packsAt } from "../../lib/offlinePacks";
import { sizeText } from "../../lib/sizes";

interface Props {
  id: string;
  /** The map's centre, or null until the map has told it. */
  at: { latitude: number; longitude: number } | null;
  onClose: () => void;
}

/**
 * "Download for offline use": the packs of the charts under the map's centre (a sectional and
 * a terminal area chart can both cover a place), each file a download link. It follows the map
 * while open; Escape or × closes it. The keyboard lands in it when it opens.
 */
export function OfflinePanel({ id, at, onClose }: Props) {
  const packs = useOfflinePacks();
  const panel = useRef<HTMLElement>(null);
  const title = useId();
  useEffect(() => panel.current?.focus(), []);

  let body;
  if (packs.isPending) body = <p className="small muted">Loading the offline packs…</p>;
  else if (packs.isError) body = <ErrorMessage error={packs.error} />;
  else if (packs.data.packs.length === 0) {
    body = (
      <p>
        No offline pack is ready yet: the packs are built after each chart cycle comes out. Please
        come back later.
      </p>
    );
  } else if (at === null) body = <p className="small muted">Looking at the map…</p>;
  else {
    const here = packsAt(packs.data.packs, at.latitude, at.longitude);
    body =
      here.length === 0 ? (
        <p>
          No offline pack covers this place yet. Move the map to put the + in its middle over a
          chart.
        </p>
      ) : (
        <>
          <p className="small muted offline-intro">
            {here.length === 1 ? "The chart" : `The ${here.length} charts`} under the + in the middle
            of the map, for flying where there is no signal. The files are large: download them on
            Wi-Fi.
          </p>
          <ul className="offline-packs">
            {here.map((pack) => (
              <PackItem key={pack.region} pack={pack} />
            ))}
          </ul>
        </>
      );
  }

  return (
    <section
      id={id}
      ref={panel}
      className="offline-panel"
      aria-labelledby={title}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      <div className="offline-head">
        <h2 id={title}>Download for offline use</h2>
        <button type="button" className="offline-close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {/* Scrolled inside the panel's frame: a scroller with the opaque background of its own
          hid the map under its overflow in Chromium. */}
      <div className="offline-scroll">{body}</div>
    </section>
  );
}

function PackItem({ pack }: { pack: Schemas["OfflinePack"] }) {
  const heading = useId();
  return (
    <li>
      <h3 id={heading}>{pack.title}</h3>
      <p className="small muted offline-pack-detail">
        {layerText(pack.layer)} · cycle of {cycleText(pack.cycle)}
      </p>
      <ul className="offline-files">
        {orderedFiles(pack.files).map((file) => (
          <li key={file.format}>
            <a href={file.url} download aria-describedby={heading}>
              <span aria-hidden="true">↓</span>
              <span>
                {fileLabel(file.format)} · <span className="offline-size">{sizeText(file.bytes)}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </li>
  );
}
