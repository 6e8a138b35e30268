import { Link } from "react-router";
import { useDashboard, useSetReadOnly } from "../../api/admin";
import { errorText } from "../../api/errors";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { humanize, runProgress } from "./format";

const QUEUES = [
  { key: "versions", label: "Changes to review", to: "/admin/versions" },
  { key: "users", label: "New users to review", to: "/admin/users" },
  { key: "airports", label: "Added airports to review", to: "/admin/airports" },
  { key: "comments", label: "Comments to review", to: "/admin/comments" },
] as const;

export function Dashboard() {
  usePageTitle("Admin dashboard");
  const dashboard = useDashboard();
  if (dashboard.isPending) return <Loading />;
  if (dashboard.isError) return <ErrorMessage error={dashboard.error} />;
  const data = dashboard.data;
  const active = data.active_import;

  return (
    <>
      <h1>Admin dashboard</h1>
      <div className="meters">
        <Meter label="Airports" value={data.airports} />
        <Meter label="Contributed airports" value={data.contributed_airports} note="with any community content" />
        <Meter label="Page views, last 30 days" value={data.pageviews_30_days} note="by everyone but admins" />
      </div>

      <section className="card">
        <h2>Review queues</h2>
        <ul className="queue-list">
          {QUEUES.map((queue) => (
            <li key={queue.key}>
              <Link to={queue.to}>
                {queue.label}: <strong>{data.queues[queue.key].toLocaleString("en-US")}</strong>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section className="card">
        <h2>Data cycles</h2>
        {Object.keys(data.cycles).length === 0 ? (
          <p className="muted">No data has been imported yet.</p>
        ) : (
          <dl className="facts">
            {Object.entries(data.cycles).map(([product, cycle]) => (
              <div key={product}>
                <dt>{humanize(product)}</dt>
                <dd>{cycle}</dd>
              </div>
            ))}
          </dl>
        )}
        {active ? (
          <p className="notice info">
            An import is {active.status}: {runProgress(active.progress).text}.{" "}
            <Link to={`/admin/importer/${active.id}`}>Follow the active import</Link>
          </p>
        ) : (
          <p className="muted">
            No import is running. <Link to="/admin/importer">Importer runs</Link>
          </p>
        )}
      </section>

      <ReadOnlySwitch readOnly={data.read_only} />
    </>
  );
}

function Meter({ label, value, note }: { label: string; value: number; note?: string }) {
  return (
    <div className="meter card">
      <div className="meter-value">{value.toLocaleString("en-US")}</div>
      <div className="meter-label">{label}</div>
      {note && <div className="muted small">{note}</div>}
    </div>
  );
}

function ReadOnlySwitch({ readOnly }: { readOnly: boolean }) {
  const mutation = useSetReadOnly();
  return (
    <section className="card danger-zone" aria-labelledby="danger-zone">
      <h2 id="danger-zone">Danger zone</h2>
      <p>
        <strong>Read-only mode</strong> stops every change on Pirep: nobody can edit airports, add photos, comments,
        events or webcams, or sign up, and every page shows a maintenance notice. Administrators can still use these
        admin pages. Turn it on during maintenance (for example a database migration), and off again afterwards.
      </p>
      <label className="inline switch">
        <input
          type="checkbox"
          role="switch"
          checked={readOnly}
          disabled={mutation.isPending}
          onChange={(event) => mutation.mutate(event.target.checked)}
        />
        Read-only mode
      </label>
      <p className={readOnly ? "error" : "muted"} role="status">
        {readOnly ? "Pirep is read-only now: changes are refused." : "Pirep is open for changes."}
      </p>
      {mutation.isError && (
        <p className="error" role="alert">
          {errorText(mutation.error)}
        </p>
      )}
    </section>
  );
}
