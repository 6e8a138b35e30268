import { useEffect } from "react";

/** Sets the document title (and description) while a page is shown. */
export function usePageTitle(title: string | undefined, description?: string) {
  useEffect(() => {
    if (!title) return;
    document.title = `${title} · Pirep`;
    if (description) {
      document.querySelector('meta[name="description"]')?.setAttribute("content", description);
    }
  }, [title, description]);
}
