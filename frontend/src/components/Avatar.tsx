import { useState } from "react";

/**
 * A pilot's picture (their Gravatar), small and round, beside their name: decorative, so
 * `alt=""`. Writers without an account have none, and a picture that cannot load (offline)
 * is not shown broken: a plain circle takes its place and keeps the names aligned.
 */
export function Avatar({ url, size = 32 }: { url: string | null | undefined; size?: number }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (!url || failed === url) {
    return <span className="avatar" style={{ width: size, height: size }} aria-hidden="true" />;
  }
  return (
    <img
      className="avatar"
      src={url}
      alt=""
      width={size}
      height={size}
      loading="lazy"
      referrerPolicy="no-referrer"
      onError={() => setFailed(url)}
    />
  );
}
