import { useState, type ReactNode } from "react";
import { Link, Outlet, useLocation, useNavigate } from "react-router";
import { isAdmin, useLogout, useSession } from "../api/account";
import { errorText } from "../api/errors";
import { useMeta } from "../api/meta";
import { applyScheme, storedScheme, type Scheme } from "../lib/theme";
import { Avatar } from "./Avatar";
import { SearchBox } from "./SearchBox";

/** Where "Skip to content" goes: the page's main region carries this id (the map page's too). */
export const MAIN_ID = "main";

/**
 * The first Tab stop of every page. It moves the focus itself rather than following `#main`: the
 * map keeps its position in the URL's hash, which a jump link would overwrite.
 */
function SkipLink() {
  return (
    <a
      className="skip-link"
      href={`#${MAIN_ID}`}
      onClick={(event) => {
        const target = document.getElementById(MAIN_ID);
        if (!target) return;
        event.preventDefault();
        if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
        target.focus();
        target.scrollIntoView({ block: "start" });
      }}
    >
      Skip to content
    </a>
  );
}

/** Header with the skip link, search, links and the account menu, above every page. */
export function Header({ search }: { search?: ReactNode }) {
  const navigate = useNavigate();
  const session = useSession();
  const meta = useMeta();
  const logout = useLogout();
  const location = useLocation();
  // The menu closes by itself when the page changes.
  const [menuAt, setMenuAt] = useState<string | null>(null);
  const menu = menuAt === location.pathname;
  const setMenu = (open: boolean) => setMenuAt(open ? location.pathname : null);
  const [scheme, setScheme] = useState<Scheme>(storedScheme);
  const user = session.data;

  return (
    <>
      <SkipLink />
      <header className="header">
        <Link to="/" className="brand">
          Pirep
        </Link>
        {search ?? (
          <SearchBox
            onPick={(pick) =>
              pick.kind === "airport"
                ? navigate(`/airports/${pick.airport.code}`)
                : navigate(`/#16/${pick.latitude}/${pick.longitude}`)
            }
          />
        )}
        <span className="spacer" />
        <nav className="wide" aria-label="Main">
          <Link to="/search">Search</Link>
          <Link to="/leaderboard">Leaderboard</Link>
          {isAdmin(user) && <Link to="/admin">Manage</Link>}
          {user ? (
            <Link to="/account" className="pilot">
              <Avatar url={user.avatar_url} size={24} />
              {user.display_name ?? "Account"}
            </Link>
          ) : (
            <Link to="/login">Log in</Link>
          )}
        </nav>
        <button type="button" aria-label="Menu" aria-expanded={menu} aria-controls={menu ? "site-menu" : undefined} onClick={() => setMenu(!menu)}>
          ☰
        </button>
        {menu && (
          <nav className="menu" id="site-menu" aria-label="Menu">
            <Link to="/search">Advanced search</Link>
            <Link to="/leaderboard">Leaderboard</Link>
            <Link to="/content-packs">ForeFlight content packs</Link>
            <Link to="/about">About Pirep</Link>
            {isAdmin(user) && <Link to="/admin">Manage</Link>}
            {user ? (
              <>
                <Link to="/account">Your account</Link>
                <Link to={`/users/${user.id}`}>Your profile</Link>
                <button type="button" className="link" onClick={() => logout.mutateAsync().then(() => navigate("/"), () => undefined)}>
                  Log out
                </button>
              </>
            ) : (
              <>
                <Link to="/login">Log in</Link>
                <Link to="/signup">Sign up</Link>
              </>
            )}
            <label className="small" htmlFor="scheme">
              Colour scheme
            </label>
            <select
              id="scheme"
              value={scheme}
              onChange={(event) => {
                const value = event.target.value as Scheme;
                setScheme(value);
                applyScheme(value);
              }}
            >
              <option value="auto">Like the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </nav>
        )}
      </header>
      {meta.data?.read_only && (
        <div className="notice" role="status">
          Pirep is read-only for maintenance right now: you can look around, but changes are not
          accepted. Please come back in a few minutes.
        </div>
      )}
      {logout.isError && <div className="notice danger">{errorText(logout.error)}</div>}
    </>
  );
}

/** Pages with the header and a centred column. */
export function Layout() {
  return (
    <div className="app">
      <Header />
      <main className="page" id={MAIN_ID} tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

export function Loading({ what = "Loading…" }: { what?: string }) {
  return <p className="spinner">{what}</p>;
}

export function ErrorMessage({ error }: { error: unknown }) {
  return (
    <p className="notice danger" role="alert">
      {errorText(error)}
    </p>
  );
}

/** Server-rendered, sanitised Markdown (the API sanitises every `*_html` field). */
export function Html({ html, className = "markdown" }: { html: string; className?: string }) {
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
