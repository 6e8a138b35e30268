import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useSession, useSignUp } from "../../api/account";
import { errorText } from "../../api/errors";
import { useMeta } from "../../api/meta";
import { usePageTitle } from "../../components/PageTitle";
import { Captcha, NewPasswordField, passwordProblem, ResendConfirmation } from "./shared";
import "../pages.css";

export default function SignupPage() {
  usePageTitle("Sign up", "Create a free Pirep account to share what you know about airports.");
  const signUp = useSignUp();
  const session = useSession();
  const meta = useMeta();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [captchaToken, setCaptchaToken] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const needsCaptcha = Boolean(meta.data?.client.captcha_site_key);
  const limits = meta.data?.limits;
  const busy = signUp.isPending;
  const problem = refused ?? (signUp.isError ? errorText(signUp.error) : null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found =
      passwordProblem(password, limits) ??
      (needsCaptcha && !captchaToken ? "Please complete the check above the button first." : null);
    setRefused(found);
    if (found) return;
    const address = email.trim();
    signUp.mutate(
      { email: address, password, display_name: displayName.trim() || null, captcha_token: captchaToken },
      {
        onSuccess: () => {
          setSentTo(address);
          setPassword("");
        },
      },
    );
  }

  if (sentTo) {
    return (
      <div className="narrow">
        <h1>Sign up</h1>
        <div className="card" role="status">
          <h2>Check your mail to confirm your address</h2>
          <p>
            We sent a message to <strong>{sentTo}</strong>. Open the link in it to confirm your
            address; the link is valid for a day. You can already log in meanwhile.
          </p>
          <p className="small muted">Nothing arrived after a few minutes? Look in the spam folder, or:</p>
          <ResendConfirmation email={sentTo} />
          <div className="form-links">
            <Link to="/login">Log in</Link>
          </div>
        </div>
      </div>
    );
  }

  return (
    <div className="narrow">
      <h1>Sign up</h1>
      <p>
        An account is free. It lets you keep track of your contributions and earn altitude on the{" "}
        <Link to="/leaderboard">leaderboard</Link>. You can also edit airports without one.
      </p>
      {session.data && (
        <p className="notice info" role="status">
          You are already logged in as {session.data.display_name ?? session.data.email}.{" "}
          <Link to="/account">Your account</Link>
        </p>
      )}
      <form className="card" onSubmit={submit}>
        <label htmlFor="signup-email">Email</label>
        <input
          id="signup-email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="signup-name">Display name</label>
        <input
          id="signup-name"
          autoComplete="nickname"
          maxLength={limits?.display_name_max_length}
          aria-describedby="signup-name-hint"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <p id="signup-name-hint" className="hint small muted">
          Shown next to your contributions. Optional.
        </p>
        <NewPasswordField
          id="signup-password"
          label="Password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Captcha onToken={setCaptchaToken} />
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Signing up…" : "Sign up"}
          </button>
        </div>
        <div className="form-links">
          <span>
            Already have an account? <Link to="/login">Log in</Link>
          </span>
        </div>
      </form>
    </div>
  );
}
