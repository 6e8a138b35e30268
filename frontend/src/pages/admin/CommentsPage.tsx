import { useState } from "react";
import { Link } from "react-router";
import { useAdminComments, useApprove, useEditComment } from "../../api/admin";
import { useDeleteComment } from "../../api/comments";
import { errorText } from "../../api/errors";
import type { Schemas } from "../../api/types";
import { ErrorMessage, Loading } from "../../components/Layout";
import { usePageTitle } from "../../components/PageTitle";
import { ActionButton, Empty, ListControls, Pager, PersonLink, Table, useListParams } from "./common";
import { dateTime } from "./format";

const PER_PAGE = 10;
type Comment = Schemas["AdminCommentOut"];

/** Review queue and management of comments: approve, edit, delete. */
export function CommentsPage() {
  usePageTitle("Comments");
  const list = useListParams();
  const query = { page: list.page, per_page: PER_PAGE, unreviewed: !list.all, q: list.q || undefined };
  const comments = useAdminComments(query);

  return (
    <>
      <h1>{list.all ? "All comments" : "Comments to review"}</h1>
      <ListControls label="Search comments" q={list.q} onSearch={list.setQ} all={list.all} onAll={list.setAll} />
      {comments.isPending ? (
        <Loading />
      ) : comments.isError ? (
        <ErrorMessage error={comments.error} />
      ) : comments.data.items.length === 0 ? (
        <Empty>{list.all ? "No comments found." : "No comments wait for review."}</Empty>
      ) : (
        <>
          <Table caption="Comments">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Airport</th>
                <th scope="col">By</th>
                <th scope="col">Comment</th>
                <th scope="col">Helpful</th>
                <th scope="col">Reviewed</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {comments.data.items.map((comment) => (
                <CommentRow key={comment.id} comment={comment} />
              ))}
            </tbody>
          </Table>
          <Pager page={list.page} perPage={PER_PAGE} total={comments.data.total} onPage={list.setPage} />
        </>
      )}
    </>
  );
}

function CommentRow({ comment }: { comment: Comment }) {
  const [editing, setEditing] = useState(false);
  const approve = useApprove("comments", comment.id);
  const remove = useDeleteComment(comment.airport_code);
  return (
    <tr>
      <td className="nowrap">{dateTime(comment.created_at)}</td>
      <td>
        <Link to={`/airports/${comment.airport_code}`}>{comment.airport_code}</Link>
      </td>
      <td>
        <PersonLink person={comment.author} />
      </td>
      <td className="wide-cell">
        {editing ? (
          <CommentEditor comment={comment} onClose={() => setEditing(false)} />
        ) : (
          <>
            <p className="comment-body">{comment.body}</p>
            {comment.outdated_at && <p className="muted small">Marked outdated {dateTime(comment.outdated_at)}</p>}
          </>
        )}
      </td>
      <td>{comment.helpful_count}</td>
      <td className="nowrap">{comment.reviewed_at ? dateTime(comment.reviewed_at) : "Not yet"}</td>
      <td>
        <div className="row">
          {!comment.reviewed_at && (
            <ActionButton label="Approve" className="primary" mutation={approve} variables={undefined} />
          )}
          {!editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          <ActionButton
            label="Delete"
            className="danger"
            confirm="Delete this comment?"
            mutation={remove}
            variables={comment.id}
          />
        </div>
      </td>
    </tr>
  );
}

function CommentEditor({ comment, onClose }: { comment: Comment; onClose: () => void }) {
  const [body, setBody] = useState(comment.body);
  const [helpful, setHelpful] = useState(String(comment.helpful_count));
  const save = useEditComment(comment.id, comment.airport_code);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(
          { body, helpful_count: Math.max(0, Number.parseInt(helpful, 10) || 0) },
          { onSuccess: onClose },
        );
      }}
    >
      <label htmlFor={`body-${comment.id}`}>Comment text</label>
      <textarea id={`body-${comment.id}`} value={body} onChange={(event) => setBody(event.target.value)} required />
      <label htmlFor={`helpful-${comment.id}`}>Helpful count</label>
      <input
        id={`helpful-${comment.id}`}
        type="number"
        min={0}
        value={helpful}
        onChange={(event) => setHelpful(event.target.value)}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending || !body.trim()}>
          Save comment
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      {save.isError && (
        <p className="error" role="alert">
          {errorText(save.error)}
        </p>
      )}
    </form>
  );
}
