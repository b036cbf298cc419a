"use client";
import { useEffect, useState } from "react";
import { usePathname } from "next/navigation";

/**
 * The dashboard's frame: a sidebar from the `md` breakpoint up; below it a top bar whose menu button opens the
 * same sidebar over the page (closed again on navigation), so a 390 px phone keeps the whole width for content.
 */
export function NavShell({
  title,
  menuLabel,
  sidebar,
  children,
}: {
  title: string;
  menuLabel: string;
  sidebar: React.ReactNode;
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const path = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the menu closes on every navigation (path is the trigger)
  useEffect(() => setOpen(false), [path]);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <header className="sticky top-0 z-30 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2 md:hidden">
        <span className="font-semibold">{title}</span>
        <button
          type="button"
          className="btn-secondary px-2 py-1"
          aria-expanded={open}
          aria-controls="sidebar"
          onClick={() => setOpen((o) => !o)}
          data-testid="menu-button"
        >
          <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5 fill-current">
            <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z" />
          </svg>
          <span className="sr-only">{menuLabel}</span>
        </button>
      </header>
      <aside
        id="sidebar"
        className={`${open ? "flex" : "hidden"} fixed inset-y-0 left-0 z-40 w-64 flex-col overflow-y-auto border-r border-slate-200 bg-white shadow-lg md:static md:flex md:w-56 md:shrink-0 md:shadow-none`}
      >
        {sidebar}
      </aside>
      {open && (
        <div className="fixed inset-0 z-30 bg-slate-900/40 md:hidden" onClick={() => setOpen(false)} aria-hidden />
      )}
      <main className="min-w-0 flex-1 p-4 md:p-6">{children}</main>
    </div>
  );
}
