import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useDashboard, useImporterRun, useImporterRuns, useStartImport } from "../../api/admin";
import { ApiError, errorText } from "../../api/errors";
import type { Schemas } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { Empty, Pager, PersonLink, Table } from "./common";
import { dateTime, duration, flattenCounts, humanize, isActiveRun, runIdIn, runProgress, shortValue } from "./format";

type Run = Schemas["ImporterRunOut"];
type Product = Schemas["Product"];
const PRODUCTS: { value: Product; label: string; note: string }[] = [
  { value: "airports", label: "Airports", note: "FAA and OurAirports airport data" },
  { value: "diagrams", label: "Diagrams", note: "FAA airport diagrams" },
  { value: "charts", label: "Charts", note: "sectional and terminal area chart tiles" },
];
const PER_PAGE = 10;

/** The importer: start a run, and every run so far. */
export function ImporterPage() {
  usePageTitle("Importer runs");
  const [page, setPage] = useState(1);
  const query = { page, per_page: PER_PAGE };
  const runs = useImporterRuns(query);

  return (
    <>
      <h1>Importer runs</h1>
      <StartForm />
      <section>
        <h2>Runs</h2>
        {runs.isPending ? (
          <Loading />
        ) : runs.isError ? (
          <ErrorMessage error={runs.error} />
        ) : runs.data.items.length === 0 ? (
          <Empty>The importer has not run yet.</Empty>
        ) : (
          <>
            <Table caption="Importer runs">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Products</th>
                  <th scope="col">Options</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress or result</th>
                  <th scope="col">Took</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((run) => (
                  <tr key={run.id}>
                    <td className="nowrap">
                      <Link to={`/admin/importer/${run.id}`}>{dateTime(run.created_at)}</Link>
                    </td>
                    <td>{run.products.map(humanize).join(", ") || "—"}</td>
                    <td>{runOptions(run)}</td>
                    <td>
                      <StatusBadge status={run.status} />
                    </td>
                    <td>{isActiveRun(run.status) ? runProgress(run.progress).text : run.error ?? resultSummary(run)}</td>
                    <td className="nowrap">{duration(run.started_at, run.finished_at)}</td>
                    <td>{run.requested_by ? <PersonLink person={run.requested_by} /> : <span className="muted">command line</span>}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pager page={page} perPage={PER_PAGE} total={runs.data.total} onPage={setPage} label="Run pages" />
          </>
        )}
      </section>
    </>
  );
}

function runOptions(run: Run): string {
  const options = [run.force && "force", run.dry_run && "dry run"].filter(Boolean);
  return options.length ? options.join(", ") : "—";
}

function resultSummary(run: Run): string {
  const cycles = Object.entries(run.cycles);
  if (run.status === "succeeded" && cycles.length === 0) return "Nothing to import: the cycles were already active.";
  return cycles.map(([product, cycle]) => `${humanize(product)} ${shortValue(cycle)}`).join(", ") || "—";
}

function StatusBadge({ status }: { status: Run["status"] }) {
  return <span className={`status status-${status}`}>{status}</span>;
}

function StartForm() {
  const navigate = useNavigate();
  const [products, setProducts] = useState<Set<Product>>(() => new Set<Product>(["airports", "diagrams", "charts"]));
  const [force, setForce] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const start = useStartImport();

  function toggle(product: Product, on: boolean) {
    setProducts((current) => {
      const next = new Set(current);
      if (on) next.add(product);
      else next.delete(product);
      return next;
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    start.mutate(
      { products: PRODUCTS.map((p) => p.value).filter((p) => products.has(p)), force, dry_run: dryRun },
      { onSuccess: (run) => navigate(`/admin/importer/${run.id}`) },
    );
  }

  const conflict = start.error instanceof ApiError && start.error.status === 409 ? start.error : null;
  const activeId = conflict ? runIdIn(conflict.message) : null;

  return (
    <form className="card" onSubmit={submit} aria-labelledby="start-import">
      <h2 id="start-import">Start an import</h2>
      <p className="muted">
        The importer downloads the current FAA data cycle of each chosen product and switches Pirep to it. A product whose
        cycle is already active is skipped unless you force it. Community content (descriptions, photos, tags) is kept.
      </p>
      <fieldset>
        <legend>Products</legend>
        {PRODUCTS.map((product) => (
          <div key={product.value} className="option">
            <label className="inline">
              <input
                type="checkbox"
                checked={products.has(product.value)}
                aria-describedby={`product-${product.value}-note`}
                onChange={(event) => toggle(product.value, event.target.checked)}
              />
              {product.label}
            </label>
            <span id={`product-${product.value}-note`} className="muted small">
              {product.note}
            </span>
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Options</legend>
        <div className="option">
          <label className="inline">
            <input
              type="checkbox"
              checked={force}
              aria-describedby="force-note"
              onChange={(event) => setForce(event.target.checked)}
            />
            Force
          </label>
          <span id="force-note" className="muted small">
            Import even if the cycle is already active.
          </span>
        </div>
        <div className="option">
          <label className="inline">
            <input
              type="checkbox"
              checked={dryRun}
              aria-describedby="dry-run-note"
              onChange={(event) => setDryRun(event.target.checked)}
            />
            Dry run
          </label>
          <span id="dry-run-note" className="muted small">
            Report what would change; write nothing.
          </span>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={start.isPending || products.size === 0}>
          {start.isPending ? "Starting…" : "Start import"}
        </button>
      </div>
      {products.size === 0 && <p className="muted small">Choose at least one product.</p>}
      {start.isError && (
        <div className="notice danger" role="alert">
          <p>{errorText(start.error)}</p>
          {conflict &&
            (activeId ? (
              <p>
                <Link to={`/admin/importer/${activeId}`}>See the active run</Link>
              </p>
            ) : (
              <ActiveRunLink />
            ))}
        </div>
      )}
    </form>
  );
}

/** When the refusal names no run: the active one, as the dashboard knows it. */
function ActiveRunLink() {
  const dashboard = useDashboard();
  const active = dashboard.data?.active_import;
  return active ? (
    <p>
      <Link to={`/admin/importer/${active.id}`}>See the active run</Link>
    </p>
  ) : null;
}

/** One run: live progress while it is queued or running (polled every 2 s), then its report. */
export function RunPage() {
  const { id = "" } = useParams();
  usePageTitle("Importer run");
  const run = useImporterRun(id);

  if (run.isPending) return <Loading />;
  if (run.isError) return <ErrorMessage error={run.error} />;
  const data = run.data;
  const active = isActiveRun(data.status);
  const progress = runProgress(data.progress);

  return (
    <>
      <p>
        <Link to="/admin/importer">← Importer runs</Link>
      </p>
      <h1>Importer run of {dateTime(data.created_at)}</h1>
      <p className="run-status" role="status" aria-live="polite">
        <StatusBadge status={data.status} /> <strong>Status: {data.status}</strong>
        {active && <span className="muted small"> · updated every 2 seconds</span>}
      </p>

      {active && (
        <section className="card" aria-labelledby="progress-title">
          <h2 id="progress-title">Progress</h2>
          <p>{progress.text}</p>
          <progress
            max={100}
            value={progress.percent ?? undefined}
            aria-label={`Progress: ${progress.step}`}
            className="run-progress"
          />
          {data.task_status && <p className="muted small">Task: {data.task_status}</p>}
        </section>
      )}

      {data.error && (
        <div className="notice danger" role="alert">
          <strong>Error:</strong> {data.error}
        </div>
      )}

      <section className="card">
        <h2>Run</h2>
        <dl className="facts">
          <div>
            <dt>Products</dt>
            <dd>{data.products.map(humanize).join(", ") || "—"}</dd>
          </div>
          <div>
            <dt>Options</dt>
            <dd>{runOptions(data)}</dd>
          </div>
          <div>
            <dt>Requested by</dt>
            <dd>{data.requested_by ? <PersonLink person={data.requested_by} /> : "the command line"}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{dateTime(data.started_at)}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>{dateTime(data.finished_at)}</dd>
          </div>
          <div>
            <dt>Took</dt>
            <dd>{duration(data.started_at, data.finished_at)}</dd>
          </div>
          {!active && (
            <div>
              <dt>Last step</dt>
              <dd>{progress.text}</dd>
            </div>
          )}
          {data.task && (
            <div>
              <dt>Task</dt>
              <dd className="break">{data.task}</dd>
            </div>
          )}
        </dl>
      </section>

      {!active && <Report run={data} />}
    </>
  );
}

/** The final report: cycles, counts per product, and the airports' changes. */
function Report({ run }: { run: Run }) {
  const cycles = Object.entries(run.cycles);
  const counts = Object.entries(run.counts);
  const diff = run.diff;
  return (
    <section aria-labelledby="report-title">
      <h2 id="report-title">Report</h2>
      {run.dry_run && <p className="notice info">This was a dry run: nothing was written.</p>}
      <div className="card">
        <h3>Cycles</h3>
        {cycles.length === 0 ? (
          <p className="muted">No cycle was imported{run.status === "succeeded" ? ": every chosen product was already up to date." : "."}</p>
        ) : (
          <ul>
            {cycles.map(([product, cycle]) => (
              <li key={product}>
                {humanize(product)}: {shortValue(cycle)}
              </li>
            ))}
          </ul>
        )}
      </div>
      {counts.map(([name, value]) => (
        <CountTable key={name} title={humanize(name)} value={value} />
      ))}
      {Object.keys(diff).length > 0 && <AirportChanges diff={diff} />}
    </section>
  );
}

function CountTable({ title, value }: { title: string; value: unknown }) {
  const rows = flattenCounts(value);
  return (
    <div className="card">
      <h3>{title}</h3>
      <Table caption={title}>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td className="number">{row.value}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

interface Sample {
  count: number;
  sample: string[];
}

function isSample(value: unknown): value is Sample {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Record<string, unknown>).count === "number" &&
    Array.isArray((value as Record<string, unknown>).sample)
  );
}

/** The airports' report: new, closed, reopened, changed (with samples) and changed fields. */
function AirportChanges({ diff }: { diff: Record<string, unknown> }) {
  const samples = Object.entries(diff).filter((entry): entry is [string, Sample] => isSample(entry[1]));
  const others = Object.entries(diff).filter(([, value]) => !isSample(value));
  return (
    <div className="card">
      <h3>Airport changes</h3>
      <Table caption="Airport changes">
        <tbody>
          {samples.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{humanize(name)}</th>
              <td className="number">{value.count.toLocaleString("en-US")}</td>
              <td className="small">
                {value.sample.map((code) => (
                  <Link key={code} to={`/airports/${code}`} className="code-link">
                    {code}
                  </Link>
                ))}
                {value.count > value.sample.length && <span className="muted">…</span>}
              </td>
            </tr>
          ))}
          {others.flatMap(([name, value]) =>
            flattenCounts(value, [humanize(name)]).map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td className="number">{row.value}</td>
                <td />
              </tr>
            )),
          )}
        </tbody>
      </Table>
    </div>
  );
}
