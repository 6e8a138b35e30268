import { Link, NavLink, Route, Routes } from "react-router";
import { isAdmin, useSession } from "../../api/account";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import "./admin.css";
import { ActivityPage } from "./ActivityPage";
import { AirportDetailPage, AirportsPage } from "./AirportsPage";
import { CommentsPage } from "./CommentsPage";
import { Dashboard } from "./Dashboard";
import { ImporterPage, RunPage } from "./ImporterPage";
import { UserDetailPage, UsersPage } from "./UsersPage";
import { VersionsPage } from "./VersionsPage";

const SECTIONS = [
  { to: "/admin", label: "Dashboard", end: true },
  { to: "/admin/versions", label: "Changes" },
  { to: "/admin/users", label: "Users" },
  { to: "/admin/airports", label: "Airports" },
  { to: "/admin/comments", label: "Comments" },
  { to: "/admin/activity", label: "Activity" },
  { to: "/admin/importer", label: "Importer" },
];

/** The administrators' pages, under `/admin/*`. */
export default function AdminPage() {
  const session = useSession();
  usePageTitle("Manage Pirep");

  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorMessage error={session.error} />;
  if (!isAdmin(session.data)) {
    return (
      <section className="card">
        <h1>Manage Pirep</h1>
        <p>Only administrators can see this page.</p>
        {session.data ? (
          <p>
            You are logged in as {session.data.display_name ?? session.data.email ?? "a user"}, who is not an
            administrator. <Link to="/login">Log in</Link> with an administrator’s account.
          </p>
        ) : (
          <p>
            <Link to="/login">Log in</Link> with an administrator’s account.
          </p>
        )}
      </section>
    );
  }

  return (
    <div className="admin">
      <nav className="admin-nav" aria-label="Admin sections">
        {SECTIONS.map((section) => (
          <NavLink key={section.to} to={section.to} end={section.end}>
            {section.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Dashboard />} />
        <Route path="versions" element={<VersionsPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="users/:id" element={<UserDetailPage />} />
        <Route path="airports" element={<AirportsPage />} />
        <Route path="airports/:id" element={<AirportDetailPage />} />
        <Route path="comments" element={<CommentsPage />} />
        <Route path="activity" element={<ActivityPage />} />
        <Route path="importer" element={<ImporterPage />} />
        <Route path="importer/:id" element={<RunPage />} />
        <Route
          path="*"
          element={
            <section>
              <h1>Not found</h1>
              <p>
                There is no such admin page. <Link to="/admin">Back to the dashboard</Link>.
              </p>
            </section>
          }
        />
      </Routes>
    </div>
  );
}
