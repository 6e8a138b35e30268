import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { useRequestPasswordReset, useResetPassword } from "../../api/account";
import { errorText } from "../../api/errors";
import { useLimits } from "../../api/meta";
import { usePageTitle } from "../../components/PageTitle";
import { NewPasswordField, passwordProblem } from "./shared";
import "../pages.css";

/** `/reset-password`: asks for the mail; `/reset-password?token=…` (the mailed link) sets a new password. */
export default function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token")?.trim() ?? "";
  usePageTitle(token ? "Set a new password" : "Forgot your password?");
  return <div className="narrow">{token ? <NewPassword token={token} /> : <RequestLink />}</div>;
}

function RequestLink() {
  const request = useRequestPasswordReset();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const busy = request.isPending;
  const problem = request.isError ? errorText(request.error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const address = email.trim();
    request.mutate(address, { onSuccess: () => setSent(address) });
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
  const reset = useResetPassword();
  const limits = useLimits();
  const [password, setPassword] = useState("");
  const [refused, setRefused] = useState<string | null>(null);
  const busy = reset.isPending;
  const done = reset.isSuccess;
  const problem = refused ?? (reset.isError ? errorText(reset.error) : null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = passwordProblem(password, limits);
    setRefused(found);
    if (!found) reset.mutate({ token, password });
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
          <NewPasswordField
            id="reset-password"
            label="New password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
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
