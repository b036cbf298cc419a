"use client";
import { useEffect, useState } from "react";
import { THEME_KEY, THEMES, type Theme } from "./theme";

/** Light, dark, or the system's setting (the default); kept in this browser. */
export function ThemeToggle({ label, names }: { label: string; names: Record<Theme, string> }) {
  const [theme, setTheme] = useState<Theme>("system");
  useEffect(() => {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === "light" || saved === "dark") setTheme(saved);
  }, []);
  function choose(next: Theme) {
    setTheme(next);
    if (next === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, next);
    const dark = next === "dark" || (next === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
    document.documentElement.classList.toggle("dark", dark);
  }
  return (
    <label className="flex items-center gap-2">
      {label}
      <select
        aria-label={label}
        className="rounded border border-slate-300 bg-white px-1 py-0.5"
        value={theme}
        onChange={(e) => choose(e.target.value as Theme)}
        data-testid="theme-select"
      >
        {THEMES.map((th) => (
          <option key={th} value={th}>
            {names[th]}
          </option>
        ))}
      </select>
    </label>
  );
}
