import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useLogin, useSession } from "../../api/account";
import { ApiError, errorText } from "../../api/errors";
import { usePageTitle } from "../../components/PageTitle";
import { ResendConfirmation, safeNext } from "./shared";
import "../pages.css";

export default function LoginPage() {
  usePageTitle("Log in");
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const session = useSession();
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const busy = login.isPending || login.isSuccess;
  const error = login.error;
  const problem = error
    ? { text: errorText(error), unconfirmed: error instanceof ApiError && error.status === 403 && /confirm/i.test(error.message) }
    : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  }

  const signupLink = next === "/" ? "/signup" : `/signup?next=${encodeURIComponent(next)}`;

  return (
    <div className="narrow">
      <h1>Log in</h1>
      {session.data && (
        <p className="notice info" role="status">
          You are logged in as {session.data.display_name ?? session.data.email}.{" "}
          <Link to={next}>Continue</Link>
        </p>
      )}
      <form className="card" onSubmit={submit}>
        <label htmlFor="login-email">Email</label>
        <input
          id="login-email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {problem && (
          <div role="alert">
            <p className="error">{problem.text}</p>
            {problem.unconfirmed && <ResendConfirmation email={email.trim()} />}
          </div>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </div>
        <div className="form-links">
          <Link to="/reset-password">Forgot your password?</Link>
          <span>
            New to Pirep? <Link to={signupLink}>Sign up</Link>
          </span>
        </div>
      </form>
      <p className="small muted">
        After 10 wrong passwords in a row an account is locked; setting a new password with
        “Forgot your password?” unlocks it.
      </p>
    </div>
  );
}
