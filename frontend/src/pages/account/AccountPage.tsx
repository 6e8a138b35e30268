import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import {
  useCreateToken,
  useDeleteAccount,
  useLogout,
  useRevokeToken,
  useSession,
  useTokens,
  useUpdateAccount,
} from "../../api/account";
import { errorText } from "../../api/errors";
import { useLimits } from "../../api/meta";
import type { Schemas, User } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { NewPasswordField, passwordProblem, ResendConfirmation } from "./shared";
import "../pages.css";

type Scope = Schemas["TokenOut"]["scopes"][number];
type Outcome = { ok: boolean; text: string } | null;

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

function Message({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p className={outcome.ok ? "success" : "error"} role={outcome.ok ? "status" : "alert"}>
      {outcome.text}
    </p>
  );
}

/** `/account`: settings, password, API tokens, log out and deletion of the signed-in user. */
export default function AccountPage() {
  usePageTitle("Your account");
  const session = useSession();

  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorMessage error={session.error} />;
  const user = session.data;
  if (!user) {
    return (
      <div className="narrow">
        <h1>Your account</h1>
        <p>
          You are not logged in. <Link to="/login?next=%2Faccount">Log in</Link> or{" "}
          <Link to="/signup">sign up</Link> to see your account.
        </p>
      </div>
    );
  }
  return (
    <div className="account-page">
      <h1>Your account</h1>
      <Summary user={user} />
      <Settings user={user} />
      <EmailChange user={user} />
      <PasswordChange />
      <Tokens />
      <LogOut />
      <DeleteAccount />
    </div>
  );
}

function Summary({ user }: { user: User }) {
  return (
    <section className="card" aria-labelledby="summary-title">
      <h2 id="summary-title">{user.display_name ?? "Pilot without a display name"}</h2>
      <dl className="stats">
        <div>
          <dt>Email</dt>
          <dd className="small">{user.email}</dd>
        </div>
        <div>
          <dt>Altitude</dt>
          <dd>{user.points.toLocaleString("en-US")} ft</dd>
        </div>
        <div>
          <dt>Member since</dt>
          <dd className="small">{dateFormat.format(new Date(user.created_at))}</dd>
        </div>
      </dl>
      {!user.confirmed && user.email && (
        <div className="notice">
          <p>Your email address is not confirmed yet: open the link in the mail we sent you.</p>
          <ResendConfirmation email={user.email} />
        </div>
      )}
      <Link to={`/users/${user.id}`}>Your public profile</Link>
    </section>
  );
}

function timeZones(current: string | null): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const all = new Set(["UTC", ...zones]);
  if (current) all.add(current);
  return [...all].sort();
}

function Settings({ user }: { user: User }) {
  const update = useUpdateAccount();
  const limits = useLimits();
  const [displayName, setDisplayName] = useState(user.display_name ?? "");
  const [timezone, setTimezone] = useState(user.timezone ?? "");
  const [outcome, setOutcome] = useState<Outcome>(null);
  const guess = Intl.DateTimeFormat().resolvedOptions().timeZone;

  function submit(event: FormEvent) {
    event.preventDefault();
    const name = displayName.trim();
    const changes: Schemas["AccountChanges"] = {};
    if (name && name !== user.display_name) changes.display_name = name;
    if (timezone && timezone !== user.timezone) changes.timezone = timezone;
    if (Object.keys(changes).length === 0) {
      setOutcome({ ok: true, text: name ? "Nothing to save." : "A display name cannot be removed, only changed." });
      return;
    }
    setOutcome(null);
    update.mutate(changes, {
      onSuccess: () => setOutcome({ ok: true, text: "Saved." }),
      onError: (error) => setOutcome({ ok: false, text: errorText(error) }),
    });
  }

  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <form onSubmit={submit}>
        <label htmlFor="account-name">Display name</label>
        <input
          id="account-name"
          autoComplete="nickname"
          maxLength={limits?.display_name_max_length}
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <label htmlFor="account-timezone">Time zone</label>
        <select id="account-timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)}>
          <option value="">Not set</option>
          {timeZones(user.timezone).map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll("_", " ")}
            </option>
          ))}
        </select>
        {guess && guess !== timezone && (
          <p className="hint small">
            <button type="button" className="link" onClick={() => setTimezone(guess)}>
              Use this device’s time zone ({guess.replaceAll("_", " ")})
            </button>
          </p>
        )}
        <Message outcome={outcome} />
        <div className="actions">
          <button type="submit" className="primary" disabled={update.isPending}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

function EmailChange({ user }: { user: User }) {
  const update = useUpdateAccount();
  const [email, setEmail] = useState("");
  const [current, setCurrent] = useState("");
  const [outcome, setOutcome] = useState<Outcome>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    setOutcome(null);
    const address = email.trim();
    update.mutate(
      { email: address, current_password: current },
      {
        onSuccess: () => {
          setEmail("");
          setCurrent("");
          setOutcome({
            ok: true,
            text: `We mailed a link to ${address}: open it to use that address. Until then, keep using your current one.`,
          });
        },
        onError: (error) => setOutcome({ ok: false, text: errorText(error) }),
      },
    );
  }

  return (
    <section className="card" aria-labelledby="email-title">
      <h2 id="email-title">Change your email address</h2>
      {user.pending_email && (
        <p className="notice">
          Waiting for you to open the link we mailed to <strong>{user.pending_email}</strong>.
        </p>
      )}
      <form onSubmit={submit}>
        <label htmlFor="account-new-email">New email address</label>
        <input
          id="account-new-email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="account-email-password">Current password</label>
        <input
          id="account-email-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
        <Message outcome={outcome} />
        <div className="actions">
          <button type="submit" disabled={update.isPending}>
            Change email address
          </button>
        </div>
      </form>
    </section>
  );
}

function PasswordChange() {
  const update = useUpdateAccount();
  const limits = useLimits();
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [outcome, setOutcome] = useState<Outcome>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const problem = passwordProblem(password, limits, "The new password");
    if (problem) {
      setOutcome({ ok: false, text: problem });
      return;
    }
    setOutcome(null);
    update.mutate(
      { current_password: current, password },
      {
        onSuccess: () => {
          setCurrent("");
          setPassword("");
          setOutcome({ ok: true, text: "Your password is changed. Your other sessions were logged out." });
        },
        onError: (error) => setOutcome({ ok: false, text: errorText(error) }),
      },
    );
  }

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      <form onSubmit={submit}>
        <label htmlFor="account-current-password">Current password</label>
        <input
          id="account-current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
        <NewPasswordField
          id="account-new-password"
          label="New password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Message outcome={outcome} />
        <div className="actions">
          <button type="submit" disabled={update.isPending}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

function Tokens() {
  const tokens = useTokens();
  const creation = useCreateToken();
  const revocation = useRevokeToken();
  const limits = useLimits();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [created, setCreated] = useState<Schemas["TokenCreated"] | null>(null);
  const [copied, setCopied] = useState(false);

  function toggle(scope: Scope, on: boolean) {
    setScopes((old) => (on ? [...new Set([...old, scope])] : old.filter((item) => item !== scope)));
  }

  function create(event: FormEvent) {
    event.preventDefault();
    if (scopes.length === 0) {
      setOutcome({ ok: false, text: "Choose at least one of read and write." });
      return;
    }
    setOutcome(null);
    creation.mutate(
      { name: name.trim(), scopes },
      {
        onSuccess: (token) => {
          setCreated(token);
          setCopied(false);
          setName("");
        },
        onError: (error) => setOutcome({ ok: false, text: errorText(error) }),
      },
    );
  }

  function revoke(id: string) {
    setOutcome(null);
    revocation.mutate(id, {
      onSuccess: () => {
        if (created?.id === id) setCreated(null);
        setOutcome({ ok: true, text: "The token is revoked." });
      },
      onError: (error) => setOutcome({ ok: false, text: errorText(error) }),
    });
  }

  async function copy(value: string) {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setOutcome({ ok: false, text: "Copying did not work here: select the token and copy it by hand." });
    }
  }

  const active = tokens.data?.filter((token) => token.revoked_at === null) ?? [];

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="small">
        Programs use a token to call the <a href="/api/v1/docs">Pirep API</a> on your behalf. Send
        it as <code>Authorization: Bearer …</code>.
      </p>
      {created && (
        <div className="notice new-token" role="status">
          <p>
            <strong>Your new token “{created.name}”.</strong> Copy it now: it won’t be shown again.
          </p>
          <code aria-label="New token">{created.token}</code>
          <div className="row">
            <button type="button" onClick={() => copy(created.token)}>
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" className="link" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {tokens.isPending && <Loading />}
      {tokens.isError && <ErrorMessage error={tokens.error} />}
      {tokens.data && active.length === 0 && <p className="muted">You have no API token.</p>}
      {active.length > 0 && (
        <div className="table-wrap">
          <table className="table token-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Access</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {active.map((token) => (
                <tr key={token.id}>
                  <td>
                    {token.name}
                    <div className="small muted">created {dateFormat.format(new Date(token.created_at))}</div>
                  </td>
                  <td>
                    {token.scopes.join(", ")}
                    {token.read_limit_per_minute !== null && (
                      <div className="small muted">
                        {token.read_limit_per_minute.toLocaleString("en-US")} reads a minute
                      </div>
                    )}
                  </td>
                  <td className="small">
                    {token.last_used_at ? dateTimeFormat.format(new Date(token.last_used_at)) : "never"}
                  </td>
                  <td>
                    <button type="button" className="danger" onClick={() => revoke(token.id)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={create}>
        <h3>New token</h3>
        <label htmlFor="token-name">Token name</label>
        <input
          id="token-name"
          required
          maxLength={limits?.token_name_max_length}
          placeholder="e.g. flight planner"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <fieldset>
          <legend>Access</legend>
          <label className="inline">
            <input type="checkbox" checked={scopes.includes("read")} onChange={(event) => toggle("read", event.target.checked)} />
            Read
          </label>
          <label className="inline">
            <input type="checkbox" checked={scopes.includes("write")} onChange={(event) => toggle("write", event.target.checked)} />
            Write (edit airports in your name)
          </label>
        </fieldset>
        <Message outcome={outcome} />
        <div className="actions">
          <button type="submit" disabled={creation.isPending}>
            Create token
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * Signing out empties this page at once (it shows a visitor's), before the answer's callbacks
 * would run: the promise goes on to the map all the same; a failure is shown from the mutation.
 */
const ignore = () => undefined;

function LogOut() {
  const navigate = useNavigate();
  const logout = useLogout();

  return (
    <section className="card" aria-labelledby="logout-title">
      <h2 id="logout-title">Log out</h2>
      <p className="small muted">Ends this browser’s session.</p>
      <button type="button" onClick={() => logout.mutateAsync().then(() => navigate("/"), ignore)}>
        Log out
      </button>
      {logout.isError && (
        <p className="error" role="alert">
          {errorText(logout.error)}
        </p>
      )}
    </section>
  );
}

function DeleteAccount() {
  const navigate = useNavigate();
  const deletion = useDeleteAccount();
  const [password, setPassword] = useState("");
  const busy = deletion.isPending || deletion.isSuccess;
  const problem = deletion.isError ? errorText(deletion.error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    deletion.mutateAsync(password).then(() => navigate("/"), ignore);
  }

  return (
    <section className="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete your account</h2>
      <p>
        Your account, its API tokens and its sessions are deleted at once. This cannot be
        undone.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="delete-password">Confirm with your password</label>
        <input
          id="delete-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="danger" disabled={busy}>
            Delete my account
          </button>
        </div>
      </form>
    </section>
  );
}
