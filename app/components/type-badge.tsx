import type { EndpointType } from "@/lib/db/constants";
import type { Messages } from "@/lib/i18n/messages";

/** The detected endpoint type as a quiet outlined badge. */
export function TypeBadge({ type, t }: { type: EndpointType; t: Messages }) {
  return (
    <span
      data-testid="type-badge"
      data-type={type}
      className="inline-flex items-center whitespace-nowrap rounded-md bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-700 ring-1 ring-inset ring-slate-200"
    >
      {t[`type_${type}`]}
    </span>
  );
}
