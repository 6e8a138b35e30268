import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useVerify } from "../api/account";
import { errorText } from "../api/errors";
import { useMeta } from "../api/meta";
import { needsVerification, WriteContext, type Write } from "../api/write";
import { loadTurnstile } from "../lib/turnstile";

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Writers without an account pass a one-time check (Turnstile) before their first write.
 * `useWrite()(action)` (api/write.ts) runs the action; when the API answers VerificationRequired
 * it shows the check, records the answer and runs the action again.
 */
export function VerificationProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);

  const write = useCallback<Write>(async (action) => {
    try {
      return await action();
    } catch (error) {
      if (!needsVerification(error)) throw error;
      await new Promise<void>((resolve, reject) => setPending({ resolve, reject }));
      return action();
    }
  }, []);

  return (
    <WriteContext.Provider value={write}>
      {children}
      {pending && (
        <VerificationModal
          onDone={() => {
            pending.resolve();
            setPending(null);
          }}
          onCancel={() => {
            pending.reject(new Error("The change was not saved: the check was not completed."));
            setPending(null);
          }}
        />
      )}
    </WriteContext.Provider>
  );
}

function VerificationModal({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const meta = useMeta();
  const { mutateAsync: verify } = useVerify();
  const widget = useRef<HTMLDivElement>(null);
  const [message, setMessage] = useState<string | null>(null);
  const siteKey = meta.data?.client.captcha_site_key;

  useEffect(() => {
    if (!siteKey || !widget.current) return;
    const element = widget.current;
    let id: string | undefined;
    loadTurnstile()
      .then(() => {
        id = window.turnstile?.render(element, {
          sitekey: siteKey,
          callback: (token) => {
            verify(token)
              .then(onDone)
              .catch((error: unknown) => setMessage(errorText(error)));
          },
        });
      })
      .catch((error: unknown) => setMessage(errorText(error)));
    return () => {
      if (id) window.turnstile?.remove(id);
    };
  }, [siteKey, onDone, verify]);

  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="verify-title">
      <div className="modal">
        <h2 id="verify-title">One quick check</h2>
        <p>
          Pirep is edited by pilots. Before your first change without an account, please show
          you are a person. You only do this once.
        </p>
        <div ref={widget} />
        {!siteKey && <p className="muted">No check is configured on this server.</p>}
        {message && <p className="error">{message}</p>}
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
