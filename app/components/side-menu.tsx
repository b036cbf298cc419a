"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Messages } from "@/lib/i18n/messages";

const ITEMS = [
  { href: "/dashboard", key: "overview" },
  { href: "/dashboard/endpoints", key: "endpoints" },
  { href: "/dashboard/models", key: "models" },
  { href: "/dashboard/playground", key: "playground" },
  { href: "/dashboard/history", key: "requestHistory" },
  { href: "/dashboard/api-keys", key: "apiKeys" },
  { href: "/dashboard/users", key: "users", adminOnly: true },
  { href: "/dashboard/config", key: "configuration", adminOnly: true },
  { href: "/dashboard/api-reference", key: "apiReference" },
  { href: "/dashboard/account", key: "account" },
  { href: "/dashboard/get-started", key: "getStarted" },
] as const;

export function SideMenu({ t, isAdmin }: { t: Messages; isAdmin: boolean }) {
  const path = usePathname();
  return (
    <nav className="flex flex-col gap-1 px-2" aria-label="Main">
      {ITEMS.filter((i) => !("adminOnly" in i) || isAdmin).map((i) => {
        const active = i.href === "/dashboard" ? path === i.href : path.startsWith(i.href);
        return (
          <Link
            key={i.href}
            href={i.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-2 text-sm ${active ? "bg-indigo-50 font-medium text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`}
          >
            {t[i.key]}
          </Link>
        );
      })}
    </nav>
  );
}
