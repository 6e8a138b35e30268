import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { api, call } from "../../api/client";
import { isAdmin, useSession, type AirportDetail, type Schemas } from "../../api/queries";
import { ErrorMessage, Html } from "../../components/Layout";
import { formatDate, formatDateTime, useAirportAction } from "./shared";

type Comment = Schemas["CommentOut"];

function CommentItem({ comment }: { comment: Comment }) {
  const { run, busy, error } = useAirportAction();
  const session = useSession();
  return (
    <li className={`comment ${comment.outdated_at ? "outdated" : ""}`}>
      <div className="small muted">
        <Link to={`/users/${comment.author.id}`}>{comment.author.name}</Link> ·{" "}
        <time dateTime={comment.created_at}>{formatDateTime(comment.created_at)}</time>
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
          onClick={() => void run(() => call(api.PUT("/api/v1/comments/{comment_id}/helpful", { params: { path: { comment_id: comment.id } } })))}
        >
          👍 Helpful ({comment.helpful_count})
        </button>
        {comment.outdated_at ? (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(() => call(api.DELETE("/api/v1/comments/{comment_id}/outdated", { params: { path: { comment_id: comment.id } } })))
            }
          >
            Undo outdated flag
          </button>
        ) : (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(() => call(api.PUT("/api/v1/comments/{comment_id}/outdated", { params: { path: { comment_id: comment.id } } })))
            }
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
                void run(() => call(api.DELETE("/api/v1/admin/comments/{comment_id}", { params: { path: { comment_id: comment.id } } })));
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

const PER_PAGE = 20;

export function Comments({ airport }: { airport: AirportDetail }) {
  const id = useId();
  const [page, setPage] = useState(1);
  const [body, setBody] = useState("");
  const [posted, setPosted] = useState(false);
  const { run, busy, error } = useAirportAction();
  const comments = useQuery({
    queryKey: ["airport", airport.code.toUpperCase(), "comments", page],
    queryFn: () =>
      call(api.GET("/api/v1/airports/{code}/comments", { params: { path: { code: airport.code }, query: { page, per_page: PER_PAGE } } })),
  });
  const total = comments.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPosted(false);
    const result = await run(() =>
      call(api.POST("/api/v1/airports/{code}/comments", { params: { path: { code: airport.code } }, body: { body: body.trim() } })),
    );
    if (result.ok) {
      setBody("");
      setPosted(true);
      setPage(1);
    }
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
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${id}-body`}>Your comment</label>
        <textarea
          id={`${id}-body`}
          required
          maxLength={10000}
          value={body}
          onChange={(event) => setBody(event.target.value)}
          placeholder="Share what other pilots should know. Markdown is supported."
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {posted && (
          <p className="success small" role="status">
            Thank you, your comment was added.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !body.trim()}>
            Post comment
          </button>
        </div>
      </form>
    </section>
  );
}
