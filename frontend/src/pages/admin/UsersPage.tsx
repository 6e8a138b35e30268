import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  useAdminUser,
  useAdminUsers,
  useApprove,
  useChangeToken,
  useDeleteUser,
  useUpdateUser,
  useUserTokens,
} from "../../api/admin";
import { errorText } from "../../api/errors";
import type { Schemas } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { PageviewTable, UserActions } from "./analytics";
import { ActionButton, Empty, ListControls, Pager, Table, useListParams } from "./common";
import { dateTime } from "./format";

const PER_PAGE = 10;
type AdminUser = Schemas["AdminUserOut"];
type Role = Schemas["UserRole"];
const ROLES: Role[] = ["admin", "known", "unknown"];
const ROLE_NAMES: Record<Role, string> = {
  admin: "Administrator",
  known: "Account",
  unknown: "No account (by IP)",
};

function userName(user: AdminUser): string {
  return user.display_name ?? user.email ?? (user.role === "unknown" ? `Unknown (${user.ip_address ?? "no IP"})` : "Unnamed");
}

/** Review queue of new accounts, and the list of every user. */
export function UsersPage() {
  usePageTitle("Users");
  const list = useListParams();
  const roleParam = list.extra("role");
  const role = ROLES.find((value) => value === roleParam);
  const query = { page: list.page, per_page: PER_PAGE, unreviewed: !list.all, q: list.q || undefined, role };
  const users = useAdminUsers(query);

  return (
    <>
      <h1>{list.all ? "Users" : "New users to review"}</h1>
      <ListControls
        label="Search users by name, email or IP"
        q={list.q}
        onSearch={list.setQ}
        all={list.all}
        onAll={list.setAll}
        allLabel="Show all users"
      >
        <label className="inline">
          Role
          <select value={role ?? ""} onChange={(event) => list.setExtra("role", event.target.value)}>
            <option value="">Any role</option>
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {ROLE_NAMES[value]}
              </option>
            ))}
          </select>
        </label>
      </ListControls>
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        <ErrorMessage error={users.error} />
      ) : users.data.items.length === 0 ? (
        <Empty>{list.all ? "No users found." : "No new users wait for review."}</Empty>
      ) : (
        <>
          <Table caption="Users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Points</th>
                <th scope="col">Signed up</th>
                <th scope="col">Last seen</th>
                <th scope="col">Reviewed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <UserRow key={user.id} user={user} />
              ))}
            </tbody>
          </Table>
          <Pager page={list.page} perPage={PER_PAGE} total={users.data.total} onPage={list.setPage} />
        </>
      )}
    </>
  );
}

function UserRow({ user }: { user: AdminUser }) {
  const approve = useApprove("users", user.id);
  return (
    <tr>
      <td>
        <Link to={`/admin/users/${user.id}`}>{userName(user)}</Link>
        {user.disabled_at && <span className="badge">disabled</span>}
        {user.locked_at && <span className="badge">locked</span>}
      </td>
      <td>{user.email ?? "—"}</td>
      <td>{ROLE_NAMES[user.role]}</td>
      <td>{user.points}</td>
      <td className="nowrap">{dateTime(user.created_at)}</td>
      <td className="nowrap">{dateTime(user.last_seen_at)}</td>
      <td className="nowrap">{user.reviewed_at ? dateTime(user.reviewed_at) : "Not yet"}</td>
      <td>
        {!user.reviewed_at && (
          <ActionButton label="Approve" className="primary" mutation={approve} variables={undefined} />
        )}
      </td>
    </tr>
  );
}

/** One user: facts, the edit form, delete, activity and page views. */
export function UserDetailPage() {
  const { id = "" } = useParams();
  const user = useAdminUser(id);
  usePageTitle(user.data ? `User ${userName(user.data)}` : "User");
  if (user.isPending) return <Loading />;
  if (user.isError) return <ErrorMessage error={user.error} />;
  const data = user.data;

  return (
    <>
      <p>
        <Link to="/admin/users?all=1">← All users</Link>
      </p>
      <h1>{userName(data)}</h1>
      <div className="row">
        <Link to={`/users/${data.id}`}>Public profile</Link>
      </div>
      <section className="card">
        <h2>Facts</h2>
        <dl className="facts">
          <Fact label="Role">{ROLE_NAMES[data.role]}</Fact>
          <Fact label="Email">{data.email ?? "—"}</Fact>
          {data.unconfirmed_email && <Fact label="New email, not confirmed">{data.unconfirmed_email}</Fact>}
          <Fact label="Points">{data.points.toLocaleString("en-US")}</Fact>
          <Fact label="Signed up">{dateTime(data.created_at)}</Fact>
          <Fact label="Confirmed">{dateTime(data.confirmed_at)}</Fact>
          <Fact label="Verified as a person">{dateTime(data.verified_at)}</Fact>
          <Fact label="Reviewed">{dateTime(data.reviewed_at)}</Fact>
          <Fact label="Disabled">{dateTime(data.disabled_at)}</Fact>
          <Fact label="Locked">{dateTime(data.locked_at)}</Fact>
          <Fact label="Failed log-in attempts">{data.failed_attempts}</Fact>
          <Fact label="Last seen">{dateTime(data.last_seen_at)}</Fact>
          <Fact label="Last edit">{dateTime(data.last_edit_at)}</Fact>
          <Fact label="Last log-in">{dateTime(data.last_login_at)}</Fact>
          <Fact label="Last log-in IP">{data.last_login_ip ?? "—"}</Fact>
          <Fact label="IP address">{data.ip_address ?? "—"}</Fact>
          <Fact label="Time zone">{data.timezone ?? "—"}</Fact>
        </dl>
      </section>

      <UserForm key={data.id} user={data} />

      {data.role !== "unknown" && <UserTokens userId={data.id} />}

      <DeleteUser user={data} />

      <section>
        <h2>Activity</h2>
        <UserActions id={data.id} />
      </section>
      <section>
        <h2>Page views</h2>
        <PageviewTable kind="user" id={data.id} />
      </section>
    </>
  );
}

/** The user's API tokens; a heavy consumer's token can be given more reads a minute. */
function UserTokens({ userId }: { userId: string }) {
  const tokens = useUserTokens(userId);
  return (
    <section className="card" aria-labelledby="user-tokens">
      <h2 id="user-tokens">API tokens</h2>
      <p className="small muted">
        Reads with a token count against the address they come from, like everyone’s. Give a heavy consumer (an app, a
        mirror) a number of reads a minute of its own; leave it empty for the site’s default. Every server applies it
        within a minute.
      </p>
      {tokens.isPending && <Loading />}
      {tokens.isError && <ErrorMessage error={tokens.error} />}
      {tokens.data && tokens.data.length === 0 && <p className="muted">No API token.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <ul className="token-quotas">
          {tokens.data.map((token) => (
            <TokenQuota key={token.id} userId={userId} token={token} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TokenQuota({ userId, token }: { userId: string; token: Schemas["TokenOut"] }) {
  const [value, setValue] = useState(token.read_limit_per_minute?.toString() ?? "");
  const [saved, setSaved] = useState(false);
  const change = useChangeToken(userId);
  const inputId = `token-quota-${token.id}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    const limit = value.trim() === "" ? null : Number(value);
    setSaved(false);
    change.mutate({ id: token.id, read_limit_per_minute: limit }, { onSuccess: () => setSaved(true) });
  }

  return (
    <li>
      <strong>{token.name}</strong>{" "}
      <span className="small muted">
        {token.scopes.join(", ")} · created {dateTime(token.created_at)} · last used {dateTime(token.last_used_at)}
      </span>
      {token.revoked_at ? (
        <p className="small muted">Revoked {dateTime(token.revoked_at)}.</p>
      ) : (
        <form className="row" onSubmit={submit}>
          <label htmlFor={inputId}>Reads a minute</label>
          <input
            id={inputId}
            type="number"
            inputMode="numeric"
            min={1}
            max={1000000}
            placeholder="default"
            value={value}
            onChange={(event) => {
              setSaved(false);
              setValue(event.target.value);
            }}
          />
          <button type="submit" disabled={change.isPending}>
            Save
          </button>
          {saved && !change.isPending && (
            <span className="success" role="status">
              Saved.
            </span>
          )}
        </form>
      )}
      {change.isError && (
        <p className="error" role="alert">
          {errorText(change.error)}
        </p>
      )}
    </li>
  );
}

/** A component of its own: the mutation's updates must not re-render the page, whose query it removes. */
function DeleteUser({ user }: { user: AdminUser }) {
  const navigate = useNavigate();
  const remove = useDeleteUser(user.id);
  return (
    <section className="card danger-zone">
      <h2>Delete</h2>
      <p>Deleting a user removes the account and what only they own. Their changes to airports stay in the history.</p>
      <ActionButton
        label="Delete user"
        className="danger"
        confirm={`Delete ${userName(user)} for good?`}
        mutation={remove}
        variables={undefined}
        onDone={() => navigate("/admin/users?all=1")}
      />
    </section>
  );
}

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function formOf(user: AdminUser) {
  return {
    display_name: user.display_name ?? "",
    email: user.email ?? "",
    role: user.role,
    disabled: Boolean(user.disabled_at),
    locked: Boolean(user.locked_at),
    confirmed: Boolean(user.confirmed_at),
    reviewed: Boolean(user.reviewed_at),
  };
}

/** The editable fields; only what differs from the user as loaded is sent. */
function UserForm({ user }: { user: AdminUser }) {
  const initial = formOf(user);
  const [form, setForm] = useState(initial);
  const [saved, setSaved] = useState(false);
  const save = useUpdateUser(user.id);
  const isUnknown = user.role === "unknown";

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: Schemas["AdminUserChanges"] = {};
    if (form.display_name !== initial.display_name) body.display_name = form.display_name.trim() || null;
    if (form.email !== initial.email) body.email = form.email.trim() || null;
    if (form.role !== initial.role && form.role !== "unknown") body.role = form.role;
    for (const flag of ["disabled", "locked", "confirmed", "reviewed"] as const) {
      if (form[flag] !== initial[flag]) body[flag] = form[flag];
    }
    setSaved(false);
    save.mutate(body, {
      onSuccess: (updated) => {
        setForm(formOf(updated));
        setSaved(true);
      },
    });
  }

  function set<K extends keyof typeof form>(name: K, value: (typeof form)[K]) {
    setSaved(false);
    setForm((current) => ({ ...current, [name]: value }));
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="edit-user">
      <h2 id="edit-user">Edit</h2>
      <label htmlFor="user-role">Role</label>
      <select
        id="user-role"
        value={form.role}
        disabled={isUnknown}
        onChange={(event) => set("role", event.target.value === "admin" ? "admin" : "known")}
      >
        {isUnknown && <option value="unknown">{ROLE_NAMES.unknown}</option>}
        <option value="known">{ROLE_NAMES.known}</option>
        <option value="admin">{ROLE_NAMES.admin}</option>
      </select>
      {isUnknown && <p className="muted small">Writers without an account cannot be given a role.</p>}
      <label htmlFor="user-name">Name</label>
      <input id="user-name" value={form.display_name} onChange={(event) => set("display_name", event.target.value)} />
      <label htmlFor="user-email">Email</label>
      <input id="user-email" type="email" value={form.email} onChange={(event) => set("email", event.target.value)} />
      <fieldset>
        <legend>State</legend>
        <label className="inline">
          <input type="checkbox" checked={form.disabled} onChange={(event) => set("disabled", event.target.checked)} />
          Disabled (cannot make changes)
        </label>
        <label className="inline">
          <input type="checkbox" checked={form.locked} onChange={(event) => set("locked", event.target.checked)} />
          Locked (cannot log in)
        </label>
        <label className="inline">
          <input type="checkbox" checked={form.confirmed} onChange={(event) => set("confirmed", event.target.checked)} />
          Email confirmed
        </label>
        <label className="inline">
          <input type="checkbox" checked={form.reviewed} onChange={(event) => set("reviewed", event.target.checked)} />
          Reviewed
        </label>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save changes
        </button>
      </div>
      {saved && !save.isPending && (
        <p className="success" role="status">
          Saved.
        </p>
      )}
      {save.isError && (
        <p className="error" role="alert">
          {errorText(save.error)}
        </p>
      )}
    </form>
  );
}
