import { useEffect } from "react";

/** Sets the tab's title to "<page> · orgmap" while the page is shown (issue 13 point 14). */
export function usePageTitle(title: string | null | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · orgmap` : "orgmap";
  }, [title]);
}
