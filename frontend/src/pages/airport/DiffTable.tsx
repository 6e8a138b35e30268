import type { DiffRow, Segment } from "../../lib/diff";

function Side({ segments, side }: { segments: Segment[]; side: "left" | "right" }) {
  return (
    <>
      {segments.map((segment, index) =>
        segment.changed ? (
          side === "left" ? (
            <del key={index}>{segment.text}</del>
          ) : (
            <ins key={index}>{segment.text}</ins>
          )
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
    </>
  );
}

/** A side-by-side diff: before on the left, after on the right. */
export function DiffTable({ rows, caption }: { rows: DiffRow[]; caption: string }) {
  return (
    <table className="diff">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td className="empty muted">(empty)</td>
            <td className="empty muted">(empty)</td>
          </tr>
        )}
        {rows.map((row, index) => (
          <tr key={index} className={`diff-${row.kind}`}>
            <td className={row.left ? (row.kind === "same" ? "" : row.kind === "changed" ? "changed-left" : "removed") : "empty"}>
              {row.left && <Side segments={row.left} side="left" />}
            </td>
            <td className={row.right ? (row.kind === "same" ? "" : row.kind === "changed" ? "changed-right" : "added") : "empty"}>
              {row.right && <Side segments={row.right} side="right" />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
