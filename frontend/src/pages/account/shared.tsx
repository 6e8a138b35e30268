import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { useResendConfirmation } from "../../api/account";
import { errorText } from "../../api/errors";
import { useLimits, useMeta } from "../../api/meta";
import type { Limits } from "../../api/types";
import { loadTurnstile } from "../../lib/turnstile";

/** A path of this site to go back to after logging in (never another site). */
export function safeNext(value: string | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/";
  }
  return value;
}

/** A button that mails the confirmation link again to `email`. */
export function ResendConfirmation({ email }: { email: string }) {
  const resend = useResendConfirmation();
  const message = resend.isError ? errorText(resend.error) : resend.data?.detail;

  return (
    <div>
      <button type="button" onClick={() => resend.mutate(email)} disabled={resend.isPending || !email}>
        Resend the confirmation
      </button>
      {message && (
        <p className={resend.isError ? "error" : "success"} role={resend.isError ? "alert" : "status"}>
          {message}
        </p>
      )}
    </div>
  );
}

/** Why the password cannot be the new one, or null (the API says so too, later). */
export function passwordProblem(password: string, limits: Limits | undefined, what = "The password"): string | null {
  if (limits && password.length < limits.password_min_length) {
    return `${what} needs at least ${limits.password_min_length} characters.`;
  }
  return null;
}

/** A new password's field, with the lengths the API accepts; the hint's id is `${id}-hint`. */
export function NewPasswordField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
}) {
  const limits = useLimits();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        required
        minLength={limits?.password_min_length}
        maxLength={limits?.password_max_length}
        aria-describedby={`${id}-hint`}
        value={value}
        onChange={onChange}
      />
      <p id={`${id}-hint`} className="hint small muted">
        {limits ? `At least ${limits.password_min_length} characters.` : "\u00a0"}
      </p>
    </>
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
