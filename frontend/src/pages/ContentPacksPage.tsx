import { useContentPacks } from "../api/meta";
import { ErrorMessage, Loading } from "../components/Layout";
import { usePageTitle } from "../components/PageTitle";
import { sizeText } from "../lib/sizes";

/** The ForeFlight content packs, rebuilt on the first of each month. */
export default function ContentPacksPage() {
  usePageTitle("Content packs", "Pirep's airports as ForeFlight content packs: restaurants, lodging, camping and more.");
  const packs = useContentPacks();
  return (
    <>
      <h1>Content packs</h1>
      <p>
        Take what pilots wrote into the cockpit: each pack puts the airports of a group on
        ForeFlight's map, with their notes. Download one on the device, open it with ForeFlight
        (More → Content Packs), and it is there. The packs are rebuilt on the first of each month.
      </p>
      {packs.isPending && <Loading />}
      {packs.isError && <ErrorMessage error={packs.error} />}
      {packs.data?.length === 0 && <p className="muted">The packs have not been built yet.</p>}
      {packs.data && packs.data.length > 0 && (
        <ul className="content-packs">
          {packs.data.map((pack) => (
            <li key={pack.id} className="card">
              <h2>{pack.name}</h2>
              <p className="small muted">
                {pack.airports.toLocaleString()} airport{pack.airports === 1 ? "" : "s"} · {sizeText(pack.size_bytes)} · built{" "}
                {new Date(pack.version).toLocaleDateString()}
              </p>
              <a className="button primary" href={pack.url} download>
                Download {pack.name}
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
