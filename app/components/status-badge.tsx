import type { EndpointStatus } from "@/lib/db/constants";
import type { Messages } from "@/lib/i18n/messages";

/** One colour per status; the text is always shown too, so colour is never the only signal. */
const STYLES: Record<EndpointStatus, { badge: string; dot: string }> = {
  online: { badge: "bg-green-600 text-white", dot: "bg-white" },
  pending: { badge: "bg-yellow-400 text-yellow-950", dot: "bg-yellow-800" },
  offline: { badge: "bg-red-100 text-red-700 ring-1 ring-inset ring-red-200", dot: "bg-red-400" },
  error: { badge: "bg-red-600 text-white", dot: "bg-white" },
};

/** The status badge used everywhere: endpoint list, detail modal, Playground, overview. */
export function StatusBadge({ status, t, count }: { status: EndpointStatus; t: Messages; count?: number }) {
  const s = STYLES[status];
  return (
    <span
      data-testid="status-badge"
      data-status={status}
      className={`inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2.5 py-0.5 text-xs font-medium ${s.badge}`}
    >
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${s.dot}`} />
      {t[`status_${status}`]}
      {count !== undefined && <span className="font-semibold tabular-nums">{count}</span>}
    </span>
  );
}
