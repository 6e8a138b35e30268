import { useState } from "react";
import { Link } from "react-router";
import { usePageviews, useUserActions } from "../../api/admin";
import { ErrorMessage, Loading } from "../../components/Layout";
import { Empty, Pager, Table } from "./common";
import { dateTime, humanize } from "./format";

const PER_PAGE = 20;

/** Page views of one airport or by one user (IP, place, browser, system). */
export function PageviewTable({ kind, id }: { kind: "airport" | "user"; id: string }) {
  const [page, setPage] = useState(1);
  const query = { page, per_page: PER_PAGE };
  const views = usePageviews(kind, id, query);
  if (views.isPending) return <Loading />;
  if (views.isError) return <ErrorMessage error={views.error} />;
  if (views.data.items.length === 0) return <Empty>No page views recorded.</Empty>;
  return (
    <>
      <Table caption="Page views">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">{kind === "airport" ? "Viewer" : "Airport"}</th>
            <th scope="col">IP address</th>
            <th scope="col">Place</th>
            <th scope="col">Browser</th>
            <th scope="col">System</th>
          </tr>
        </thead>
        <tbody>
          {views.data.items.map((view, index) => (
            <tr key={`${view.created_at}-${index}`}>
              <td className="nowrap">{dateTime(view.created_at)}</td>
              <td>
                {kind === "airport" ? (
                  view.user_id ? (
                    <Link to={`/admin/users/${view.user_id}`}>User</Link>
                  ) : (
                    <span className="muted">visitor</span>
                  )
                ) : (
                  <Link to={`/airports/${view.airport_code}`}>{view.airport_code}</Link>
                )}
              </td>
              <td>{view.ip_address ?? "—"}</td>
              <td>
                {view.latitude !== null && view.longitude !== null ? (
                  <a
                    href={`https://www.openstreetmap.org/?mlat=${view.latitude}&mlon=${view.longitude}#map=8/${view.latitude}/${view.longitude}`}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {view.latitude.toFixed(2)}, {view.longitude.toFixed(2)}
                  </a>
                ) : (
                  "—"
                )}
              </td>
              <td>{[view.browser, view.browser_version].filter(Boolean).join(" ") || "—"}</td>
              <td>{view.operating_system ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager page={page} perPage={PER_PAGE} total={views.data.total} onPage={setPage} label="Page view pages" />
    </>
  );
}

/** What a user did (the activity feed, with points). */
export function UserActions({ id }: { id: string }) {
  const [page, setPage] = useState(1);
  const query = { page, per_page: PER_PAGE };
  const actions = useUserActions(id, query);
  if (actions.isPending) return <Loading />;
  if (actions.isError) return <ErrorMessage error={actions.error} />;
  if (actions.data.items.length === 0) return <Empty>No activity yet.</Empty>;
  return (
    <>
      <Table caption="Activity">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Airport</th>
            <th scope="col">Points</th>
          </tr>
        </thead>
        <tbody>
          {actions.data.items.map((action) => (
            <tr key={action.id}>
              <td className="nowrap">{dateTime(action.created_at)}</td>
              <td>{humanize(action.type)}</td>
              <td>{action.airport_code ? <Link to={`/airports/${action.airport_code}`}>{action.airport_code}</Link> : "—"}</td>
              <td>{action.points}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Pager page={page} perPage={PER_PAGE} total={actions.data.total} onPage={setPage} label="Activity pages" />
    </>
  );
}
