import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api, call, errorText, setCsrfToken } from "../../api/client";
import { useMeta } from "../../api/queries";
import { useWrite } from "../../components/verification";

/** Minimum and maximum password length the API accepts. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** A path of this site to go back to after logging in (never another site). */
export function safeNext(value: string | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/";
  }
  return value;
}

/** Log in with a password: keeps the CSRF token and refreshes the session. */
export function useLogin() {
  const client = useQueryClient();
  return async (email: string, password: string) => {
    const answer = await call(api.POST("/api/v1/sessions", { body: { email, password } }));
    setCsrfToken(answer.csrf_token);
    client.setQueryData(["session"], answer.user);
    await client.invalidateQueries();
    return answer.user;
  };
}

/** A button that mails the confirmation link again to `email`. */
export function ResendConfirmation({ email }: { email: string }) {
  const write = useWrite();
  const [state, setState] = useState<{ busy: boolean; message: string | null; failed: boolean }>({
    busy: false,
    message: null,
    failed: false,
  });

  async function resend() {
    setState({ busy: true, message: null, failed: false });
    try {
      const answer = await write(() =>
        call(api.POST("/api/v1/users/confirmation/resend", { body: { email } })),
      );
      setState({ busy: false, message: answer.detail, failed: false });
    } catch (error) {
      setState({ busy: false, message: errorText(error), failed: true });
    }
  }

  return (
    <div>
      <button type="button" onClick={resend} disabled={state.busy || !email}>
        Resend the confirmation
      </button>
      {state.message && (
        <p className={state.failed ? "error" : "success"} role={state.failed ? "alert" : "status"}>
          {state.message}
        </p>
      )}
    </div>
  );
}

/**
 * The site's CAPTCHA (Turnstile) for sign-up, when the server has one configured: calls
 * `onToken` with each answer. Renders nothing when no CAPTCHA is configured.
 */
export function Captcha({ onToken }: { onToken: (token: string | null) => void }) {
  const meta = useMeta();
  const siteKey = meta.data?.client.captcha_site_key;
  const element = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const latest = useRef(onToken);
  useEffect(() => {
    latest.current = onToken;
  }, [onToken]);

  useEffect(() => {
    if (!siteKey || !element.current) return;
    const target = element.current;
    let id: string | undefined;
    let cancelled = false;
    loadTurnstile()
      .then(() => {
        if (cancelled) return;
        id = window.turnstile?.render(target, {
          sitekey: siteKey,
          callback: (token) => latest.current(token),
        });
      })
      .catch((error: unknown) => {
        if (!cancelled) setProblem(errorText(error));
      });
    return () => {
      cancelled = true;
      if (id) window.turnstile?.remove(id);
    };
  }, [siteKey]);

  if (!siteKey) return null;
  return (
    <div className="captcha">
      <div ref={element} />
      {problem && <p className="error">{problem}</p>}
    </div>
  );
}

const TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
let turnstileLoading: Promise<void> | null = null;

function loadTurnstile(): Promise<void> {
  if (window.turnstile) return Promise.resolve();
  turnstileLoading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = TURNSTILE_SCRIPT;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => {
      turnstileLoading = null;
      reject(new Error("The verification check could not be loaded."));
    };
    document.head.append(script);
  });
  return turnstileLoading;
}
