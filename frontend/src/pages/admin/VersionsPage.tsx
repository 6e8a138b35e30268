import { Link } from "react-router";
import { useAdminVersions, useApprove, useRevertVersion } from "../../api/admin";
import type { Schemas } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { ActionButton, Empty, ListControls, Pager, PersonLink, Table, useListParams } from "./common";
import { dateTime, describeChanges, humanize } from "./format";

const PER_PAGE = 10;
type Version = Schemas["VersionOut"];

/** Review queue of changes to airports, tags, events and webcams. */
export function VersionsPage() {
  usePageTitle("Changes to review");
  const list = useListParams();
  const query = { page: list.page, per_page: PER_PAGE, unreviewed: !list.all, q: list.q || undefined };
  const versions = useAdminVersions(query);

  return (
    <>
      <h1>{list.all ? "All changes" : "Changes to review"}</h1>
      <p className="muted">
        Changes to airports, tags, events and webcams. Approve a change that is fine, or revert it: reverting records a
        new change that puts the old values back.
      </p>
      <ListControls label="Search changes" q={list.q} onSearch={list.setQ} all={list.all} onAll={list.setAll} />
      {versions.isPending ? (
        <Loading />
      ) : versions.isError ? (
        <ErrorMessage error={versions.error} />
      ) : versions.data.items.length === 0 ? (
        <Empty>{list.all ? "No changes found." : "No changes wait for review."}</Empty>
      ) : (
        <>
          <Table caption="Changes">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Airport</th>
                <th scope="col">What</th>
                <th scope="col">By</th>
                <th scope="col">Change</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {versions.data.items.map((version) => (
                <VersionRow key={version.id} version={version} />
              ))}
            </tbody>
          </Table>
          <Pager page={list.page} perPage={PER_PAGE} total={versions.data.total} onPage={list.setPage} />
        </>
      )}
    </>
  );
}

function VersionRow({ version }: { version: Version }) {
  const approve = useApprove("versions", version.id);
  const revert = useRevertVersion(version.id, version.airport_code);
  const changes = describeChanges(version.object_changes);
  return (
    <tr>
      <td className="nowrap">{dateTime(version.created_at)}</td>
      <td>
        <Link to={`/airports/${version.airport_code}`}>{version.airport_code}</Link>
      </td>
      <td className="nowrap">
        {humanize(version.item_type)} {version.event === "create" ? "added" : version.event === "destroy" ? "removed" : "changed"}
      </td>
      <td>
        <PersonLink person={version.author} />
      </td>
      <td className="wide-cell">
        {changes.length === 0 ? (
          <span className="muted">no field changes</span>
        ) : (
          <ul className="changes">
            {changes.map((change) => (
              <li key={change.field}>
                <strong>{change.field}:</strong> <span className="old">{change.from}</span> →{" "}
                <span className="new">{change.to}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="nowrap">
        {version.reverted_at ? `Reverted ${dateTime(version.reverted_at)}` : version.reviewed_at ? "Approved" : "Waiting"}
      </td>
      <td>
        <div className="row">
          {!version.reviewed_at && (
            <ActionButton label="Approve" className="primary" mutation={approve} variables={undefined} />
          )}
          {!version.reverted_at && (
            <ActionButton label="Revert" className="danger" mutation={revert} variables={undefined} />
          )}
        </div>
      </td>
    </tr>
  );
}
