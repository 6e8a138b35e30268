import { Link, useParams } from "react-router";
import { useAirport } from "../../api/airports";
import { useVersion } from "../../api/history";
import { useMeta } from "../../api/meta";
import { ErrorMessage, Html, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { displayValue } from "../../lib/diff";
import { FIELD_LABELS, THEMES, WIKI_FIELDS, formatDateTime, landingRightsInfo } from "./shared";
import "./airport.css";

/** A Markdown field as it was, rendered by the server (sanitised). */
function Rendered({ html }: { html: string | undefined }) {
  return html ? <Html html={html} /> : <p className="muted">(empty)</p>;
}

function Text({ value }: { value: unknown }) {
  const text = displayValue(value);
  return text ? <div className="preview-text">{text}</div> : <p className="muted">(empty)</p>;
}

/** The airport's editable fields as they were just after one change. */
export default function VersionPage() {
  const { code = "", versionId = "" } = useParams();
  const airport = useAirport(code);
  const meta = useMeta();
  const preview = useVersion(code, versionId);
  const shownCode = airport.data?.code ?? code.toUpperCase();
  usePageTitle(airport.data ? `${airport.data.code} - ${airport.data.name} (earlier version)` : undefined);

  if (preview.isPending) return <Loading what="Loading this version…" />;
  if (preview.isError) return <ErrorMessage error={preview.error} />;
  const fields = preview.data.fields;
  const who = preview.data.author?.name ?? "a pilot";
  const html = preview.data.html;
  const rights = typeof fields.landing_rights === "string" ? fields.landing_rights : null;
  const theme = THEMES.find((item) => item.value === fields.cover_image)?.label;

  return (
    <div className="version-page">
      <p className="notice info" role="note">
        This is how the page looked after the change of {formatDateTime(preview.data.created_at)} by {who}.{" "}
        <Link to={`/airports/${shownCode}`}>Back to the current page</Link> ·{" "}
        <Link to={`/airports/${shownCode}/history`}>Back to the history</Link>
      </p>
      <h1>{airport.data ? `${airport.data.code} - ${airport.data.name}` : shownCode}</h1>
      {WIKI_FIELDS.map((field) => (
        <section key={field.name} className="card">
          <h2>{field.label}</h2>
          <Rendered html={html[field.name]} />
        </section>
      ))}
      <section className="card">
        <h2>Access</h2>
        <p>
          <strong>{FIELD_LABELS.landing_rights}:</strong>{" "}
          {rights ? (landingRightsInfo(meta.data, rights)?.description ?? rights) : "Unknown"}
        </p>
        {rights === "restricted" && (
          <>
            <h3>Requirements/contact info for landing</h3>
            <Rendered html={html.landing_requirements} />
          </>
        )}
      </section>
      <section className="card">
        <h2>Annotations</h2>
        <Text value={fields.annotations} />
        <p>
          <strong>Theme:</strong> {theme ?? "Default"}
        </p>
      </section>
    </div>
  );
}
