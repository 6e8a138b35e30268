import { Link } from "react-router";
import { useActivity } from "../../api/admin";
import type { Schemas } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";

type Ranked = Schemas["Ranked"];

/** Most read airports, most edited airports and most active users: all time and last 30 days. */
export function ActivityPage() {
  usePageTitle("Activity");
  const activity = useActivity();
  if (activity.isPending) return <Loading />;
  if (activity.isError) return <ErrorMessage error={activity.error} />;
  const periods = [
    { title: "Last 30 days", rankings: activity.data.last_30_days },
    { title: "All time", rankings: activity.data.all_time },
  ];
  return (
    <>
      <h1>Activity</h1>
      <p className="muted">
        The top ten of each list. Page views exclude administrators. Per-airport and per-user page views are on each
        airport’s and user’s admin page.
      </p>
      {periods.map((period) => (
        <section key={period.title}>
          <h2>{period.title}</h2>
          <div className="rankings">
            <Ranking title="Most read airports" unit="views" items={period.rankings.most_read_airports} kind="airport" />
            <Ranking title="Most edited airports" unit="edits" items={period.rankings.most_edited_airports} kind="airport" />
            <Ranking title="Most active users" unit="contributions" items={period.rankings.most_active_users} kind="user" />
          </div>
        </section>
      ))}
    </>
  );
}

function Ranking({ title, unit, items, kind }: { title: string; unit: string; items: Ranked[]; kind: "airport" | "user" }) {
  return (
    <div className="card">
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="ranking">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={kind === "airport" ? `/admin/airports/${item.id}` : `/admin/users/${item.id}`}>{item.label}</Link>{" "}
              <span className="muted small">
                {item.count.toLocaleString("en-US")} {unit}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
