/** Plain-English labels of the activity types of the API (ActionType). */
const LABELS: Record<string, string> = {
  airport_added: "Added an airport",
  airport_edited: "Edited an airport",
  airport_photo_uploaded: "Uploaded a photo",
  comment_added: "Wrote a comment",
  comment_flagged: "Flagged a comment as outdated",
  comment_helpful: "Found a comment helpful",
  comment_unflagged: "Cleared an outdated flag",
  event_added: "Added an event",
  event_edited: "Edited an event",
  event_removed: "Removed an event",
  tag_added: "Added a tag",
  tag_removed: "Removed a tag",
  webcam_added: "Added a webcam",
  webcam_removed: "Removed a webcam",
};

export function activityLabel(type: string): string {
  const label = LABELS[type];
  if (label) return label;
  const words = type.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
