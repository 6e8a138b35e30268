import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, call, errorText } from "../../api/client";
import { usePageTitle } from "../../components/PageTitle";
import { useWrite } from "../../components/verification";
import { PASSWORD_MAX, PASSWORD_MIN } from "./shared";
import "../pages.css";

/** `/reset-password`: asks for the mail; `/reset-password?token=…` (the mailed link) sets a new password. */
export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token")?.trim() ?? "";
  usePageTitle(token ? "Set a new password" : "Forgot your password?");
  return <div className="narrow">{token ? <NewPassword token={token} /> : <RequestLink />}</div>;
}

function RequestLink() {
  const write = useWrite();
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await write(() =>
        call(api.POST("/api/v1/users/password-reset", { body: { email: email.trim() } })),
      );
      setSent(email.trim());
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Forgot your password?</h1>
      {sent ? (
        <div className="card" role="status">
          <h2>Check your mail</h2>
          <p>
            If <strong>{sent}</strong> has a Pirep account, we sent it a link to set a new
            password. The link is valid for an hour. Setting a new password also unlocks a locked
            account.
          </p>
          <div className="form-links">
            <Link to="/login">Log in</Link>
            <button type="button" className="link" onClick={() => setSent(null)}>
              Send another link
            </button>
          </div>
        </div>
      ) : (
        <form className="card" onSubmit={submit}>
          <p>Give the address of your account and we will mail you a link to set a new password.</p>
          <label htmlFor="reset-email">Email</label>
          <input
            id="reset-email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          {problem && (
            <p className="error" role="alert">
              {problem}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Send the link
            </button>
          </div>
          <div className="form-links">
            <Link to="/login">Back to log in</Link>
          </div>
        </form>
      )}
    </>
  );
}

function NewPassword({ token }: { token: string }) {
  const write = useWrite();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < PASSWORD_MIN) {
      setProblem(`The password needs at least ${PASSWORD_MIN} characters.`);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await write(() => call(api.POST("/api/v1/users/password", { body: { token, password } })));
      setDone(true);
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h1>Set a new password</h1>
      {done ? (
        <div className="card" role="status">
          <h2>Your password is changed</h2>
          <p>
            You can now <Link to="/login">log in</Link> with it.
          </p>
        </div>
      ) : (
        <form className="card" onSubmit={submit}>
          <label htmlFor="reset-password">New password</label>
          <input
            id="reset-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            aria-describedby="reset-password-hint"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p id="reset-password-hint" className="hint small muted">
            At least {PASSWORD_MIN} characters.
          </p>
          {problem && (
            <div role="alert">
              <p className="error">{problem}</p>
              <Link to="/reset-password">Ask for a new link</Link>
            </div>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Set the new password
            </button>
          </div>
        </form>
      )}
    </>
  );
}
