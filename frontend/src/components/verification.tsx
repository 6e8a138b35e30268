import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, api, call, errorText } from "../api/client";
import { useMeta } from "../api/queries";

type Write = <T>(action: () => Promise<T>) => Promise<T>;

const VerificationContext = createContext<Write | null>(null);

declare global {
  interface Window {
    turnstile?: {
      render: (element: HTMLElement, options: { sitekey: string; callback: (token: string) => void }) => string;
      remove: (id: string) => void;
    };
  }
}

const TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";

function loadTurnstile(): Promise<void> {
  if (window.turnstile) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = TURNSTILE_SCRIPT;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("The verification check could not be loaded."));
    document.head.append(script);
  });
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Writers without an account pass a one-time check (Turnstile) before their first write.
 * `useWrite()(action)` runs the action; when the API answers VerificationRequired it shows the
 * check, records the answer and runs the action again.
 */
export function VerificationProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);

  const write = useCallback<Write>(async (action) => {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof ApiError && error.error === "VerificationRequired")) throw error;
      await new Promise<void>((resolve, reject) => setPending({ resolve, reject }));
      return action();
    }
  }, []);

  return (
    <VerificationContext.Provider value={write}>
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
    </VerificationContext.Provider>
  );
}

export function useWrite(): Write {
  const write = useContext(VerificationContext);
  if (!write) throw new Error("useWrite needs a VerificationProvider");
  return write;
}

function VerificationModal({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const meta = useMeta();
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
            call(api.POST("/api/v1/users/verification", { body: { token } }))
              .then(onDone)
              .catch((error: unknown) => setMessage(errorText(error)));
          },
        });
      })
      .catch((error: unknown) => setMessage(errorText(error)));
    return () => {
      if (id) window.turnstile?.remove(id);
    };
  }, [siteKey, onDone]);

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
