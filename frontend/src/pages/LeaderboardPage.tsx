import { Link } from "react-router";
import { useSession } from "../api/account";
import { useLeaderboard } from "../api/users";
import { Avatar } from "../components/Avatar";
import { ErrorMessage, Loading } from "../components/Layout";
import { usePageTitle } from "../components/PageTitle";
import "./pages.css";

const number = new Intl.NumberFormat("en-US");
const dateFormat = new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric" });

/** `/leaderboard`: the 25 pilots who contributed most. */
export default function LeaderboardPage() {
  usePageTitle("Leaderboard", "The pilots who contributed most to Pirep.");
  const session = useSession();
  const board = useLeaderboard();

  return (
    <div className="leaderboard">
      <h1>Leaderboard</h1>
      <p>
        Every contribution earns points, shown as altitude: the pilots who shared the most about
        their airports fly highest. <Link to="/about#editing">How to contribute</Link>
      </p>
      {board.isPending && <Loading />}
      {board.isError && <ErrorMessage error={board.error} />}
      {board.data && board.data.length === 0 && (
        <p className="muted">Nobody has earned points yet. Edit an airport to be the first!</p>
      )}
      {board.data && board.data.length > 0 && (
        <div className="table-wrap card">
          <table className="table">
            <caption className="sr-only">Top {board.data.length} pilots by altitude</caption>
            <thead>
              <tr>
                <th scope="col" className="numeric">
                  Rank
                </th>
                <th scope="col">Pilot</th>
                <th scope="col" className="numeric">
                  Altitude
                </th>
                <th scope="col" className="numeric hide-narrow">
                  Contributions
                </th>
                <th scope="col" className="numeric hide-narrow">
                  Airports edited
                </th>
                <th scope="col" className="hide-narrow">
                  Member since
                </th>
              </tr>
            </thead>
            <tbody>
              {board.data.map((pilot, index) => (
                <tr key={pilot.id} aria-current={session.data?.id === pilot.id ? "true" : undefined}>
                  <td className="numeric">{pilot.rank ?? index + 1}</td>
                  <td>
                    <span className="pilot">
                      <Avatar url={pilot.avatar_url} />
                      <span>
                        <Link to={`/users/${pilot.id}`}>{pilot.name}</Link>
                        {session.data?.id === pilot.id && <span className="muted small"> (you)</span>}
                      </span>
                    </span>
                  </td>
                  <td className="numeric">{number.format(pilot.altitude)} ft</td>
                  <td className="numeric hide-narrow">{number.format(pilot.contributions)}</td>
                  <td className="numeric hide-narrow">{number.format(pilot.airports_edited)}</td>
                  <td className="hide-narrow">{dateFormat.format(new Date(pilot.member_since))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
