import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { isAdmin, useSession } from "../../api/account";
import { COMMENTS_PER_PAGE, useAddComment, useComments, useDeleteComment, useMarkComment } from "../../api/comments";
import { errorText } from "../../api/errors";
import { useLimits } from "../../api/meta";
import { anyPending, latestProblem } from "../../api/status";
import type { AirportDetail, Schemas } from "../../api/types";
import { Avatar } from "../../components/Avatar";
import { ErrorMessage, Html } from "../../components/Layout";
import { formatDate, formatDateTime } from "./shared";

type Comment = Schemas["CommentOut"];

function CommentItem({ comment }: { comment: Comment }) {
  const code = comment.airport_code;
  const helpful = useMarkComment(code, "helpful");
  const outdated = useMarkComment(code, "outdated");
  const notOutdated = useMarkComment(code, "not-outdated");
  const remove = useDeleteComment(code);
  const busy = anyPending(helpful, outdated, notOutdated, remove);
  const error = latestProblem(helpful, outdated, notOutdated, remove);
  const session = useSession();
  return (
    <li className={`comment ${comment.outdated_at ? "outdated" : ""}`}>
      <div className="small muted pilot">
        <Avatar url={comment.author.avatar_url} />
        <span>
          <Link to={`/users/${comment.author.id}`}>{comment.author.name}</Link> ·{" "}
          <time dateTime={comment.created_at}>{formatDateTime(comment.created_at)}</time>
        </span>
      </div>
      {comment.outdated_at && (
        <p className="small notice">A pilot flagged this comment as outdated on {formatDate(comment.outdated_at)}.</p>
      )}
      <Html html={comment.html} />
      <div className="actions small">
        <button
          type="button"
          disabled={busy}
          aria-label={`Helpful (${comment.helpful_count})`}
          onClick={() => helpful.mutate(comment.id)}
        >
          👍 Helpful ({comment.helpful_count})
        </button>
        {comment.outdated_at ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => notOutdated.mutate(comment.id)}
          >
            Undo outdated flag
          </button>
        ) : (
          <button
            type="button"
            disabled={busy}
            onClick={() => outdated.mutate(comment.id)}
          >
            Flag as outdated
          </button>
        )}
        {isAdmin(session.data) && (
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => {
              if (window.confirm("Delete this comment?")) {
                remove.mutate(comment.id);
              }
            }}
          >
            Delete comment
          </button>
        )}
      </div>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

export function Comments({ airport }: { airport: AirportDetail }) {
  const id = useId();
  const [page, setPage] = useState(1);
  const [body, setBody] = useState("");
  const [posted, setPosted] = useState(false);
  const add = useAddComment(airport.code);
  const limits = useLimits();
  const comments = useComments(airport.code, page);
  const total = comments.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / COMMENTS_PER_PAGE));

  function submit(event: FormEvent) {
    event.preventDefault();
    setPosted(false);
    add.mutate(body.trim(), {
      onSuccess: () => {
        setBody("");
        setPosted(true);
        setPage(1);
      },
    });
  }

  return (
    <section className="card" id="comments" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Comments{total ? ` (${total})` : ""}</h2>
      {comments.isError && <ErrorMessage error={comments.error} />}
      {comments.isSuccess && comments.data.items.length === 0 && <p className="muted">No comments yet. Be the first.</p>}
      <ul className="comments">
        {comments.data?.items.map((comment) => (
          <CommentItem key={comment.id} comment={comment} />
        ))}
      </ul>
      {pages > 1 && (
        <div className="row small">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer comments
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Older comments
          </button>
        </div>
      )}
      <form onSubmit={submit}>
        <label htmlFor={`${id}-body`}>Your comment</label>
        <textarea
          id={`${id}-body`}
          required
          maxLength={limits?.comment_max_length}
          value={body}
          onChange={(event) => setBody(event.target.value)}
          placeholder="Share what other pilots should know. Markdown is supported."
        />
        {add.isError && (
          <p className="error" role="alert">
            {errorText(add.error)}
          </p>
        )}
        {posted && (
          <p className="success small" role="status">
            Thank you, your comment was added.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={add.isPending || !body.trim()}>
            Post comment
          </button>
        </div>
      </form>
    </section>
  );
}
