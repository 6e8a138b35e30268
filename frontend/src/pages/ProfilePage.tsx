import { Link, useParams } from "react-router";
import { useSession } from "../api/account";
import { ApiError } from "../api/errors";
import { useProfile } from "../api/users";
import { Avatar } from "../components/Avatar";
import { ErrorMessage, Loading } from "../components/Layout";
import { usePageTitle } from "../components/PageTitle";
import { activityLabel } from "./activity";
import "./pages.css";

const number = new Intl.NumberFormat("en-US");
const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/users/:userId`: a pilot's public profile and latest contributions. */
export default function ProfilePage() {
  const { userId = "" } = useParams();
  const valid = UUID.test(userId);
  const session = useSession();
  const profile = useProfile(userId, valid);
  usePageTitle(profile.data ? `${profile.data.name}, pilot` : "Pilot");

  if (!valid || (profile.error instanceof ApiError && profile.error.status === 404)) {
    return (
      <div className="prose">
        <h1>Pilot not found</h1>
        <p>
          There is no pilot at this address. See the <Link to="/leaderboard">leaderboard</Link>.
        </p>
      </div>
    );
  }
  if (profile.isPending) return <Loading />;
  if (profile.isError) return <ErrorMessage error={profile.error} />;
  const pilot = profile.data;
  const own = session.data?.id === pilot.id;

  return (
    <div className="prose">
      <div className="pilot profile-title">
        <Avatar url={pilot.avatar_url} size={80} />
        <h1>{pilot.name.charAt(0).toUpperCase() + pilot.name.slice(1)}</h1>
      </div>
      {own && (
        <p className="small">
          This is your public profile. <Link to="/account">Your account settings</Link>
        </p>
      )}
      <dl className="stats">
        <div>
          <dt>Altitude</dt>
          <dd>{number.format(pilot.altitude)} ft</dd>
        </div>
        <div>
          <dt>Rank</dt>
          <dd>{pilot.rank !== null ? `#${number.format(pilot.rank)}` : "Not yet ranked"}</dd>
        </div>
        <div>
          <dt>Contributions</dt>
          <dd>{number.format(pilot.contributions)}</dd>
        </div>
        <div>
          <dt>Airports edited</dt>
          <dd>{number.format(pilot.airports_edited)}</dd>
        </div>
        <div>
          <dt>Member since</dt>
          <dd className="small">{dateFormat.format(new Date(pilot.member_since))}</dd>
        </div>
      </dl>
      <section aria-labelledby="activity-title">
        <h2 id="activity-title">Recent activity</h2>
        {pilot.activity.length === 0 ? (
          <p className="muted">No contributions yet.</p>
        ) : (
          <ol className="activity card">
            {pilot.activity.map((item, index) => (
              <li key={`${item.created_at}-${index}`}>
                <div className="what">
                  {activityLabel(item.type)}
                  {item.airport_code && (
                    <>
                      {" at "}
                      <Link to={`/airports/${encodeURIComponent(item.airport_code)}`}>
                        {item.airport_code}
                      </Link>
                    </>
                  )}
                  <time className="small muted" dateTime={item.created_at}>
                    {dateFormat.format(new Date(item.created_at))}
                  </time>
                </div>
                {item.points > 0 && <span className="points">+{number.format(item.points)} ft</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <p>
        <Link to="/leaderboard">See the leaderboard</Link>
      </p>
    </div>
  );
}
