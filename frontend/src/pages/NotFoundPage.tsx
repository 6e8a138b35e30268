import { Link, useLocation } from "react-router";
import { usePageTitle } from "../components/PageTitle";
import "./pages.css";

export default function NotFoundPage() {
  usePageTitle("Page not found");
  const location = useLocation();
  return (
    <div className="prose">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>. The link may be old, or the address
        mistyped.
      </p>
      <ul>
        <li>
          <Link to="/">Go to the map</Link>
        </li>
        <li>
          <Link to="/search">Search for an airport</Link>
        </li>
      </ul>
    </div>
  );
}
