/** Colour scheme: light, dark or the system's, remembered in localStorage. */
export type Scheme = "light" | "dark" | "auto";

const KEY = "colour-scheme";

export function storedScheme(): Scheme {
  const value = localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : "auto";
}

export function effectiveScheme(scheme: Scheme): "light" | "dark" {
  if (scheme !== "auto") return scheme;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyScheme(scheme: Scheme): void {
  if (scheme === "auto") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, scheme);
  document.documentElement.dataset.theme = effectiveScheme(scheme);
}
