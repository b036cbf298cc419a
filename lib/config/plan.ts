// What an import would change: a pure function of the document and the current state, used alike by the dry
// run and by the apply (lib/config/import.ts), which runs it inside the write transaction.
import type { FieldIssue } from "../errors";
import type { EndpointType, Role } from "../db/constants";
import { adminRemovalRefusal } from "../auth/last-admin";
import type { ConfigApiKey, ConfigDocument, ConfigEndpoint, ConfigUser } from "./schema";

export interface CurrentEndpoint {
  id: string;
  name: string;
  baseUrl: string;
  endpointType: EndpointType;
  healthCheckIntervalSecs: number;
  inferenceTimeoutSecs: number;
  modelLoadTimeoutSecs: number;
  /** null: by type (lib/health/generation-probe.ts) */
  generationProbe: boolean | null;
  maxConcurrency: number | null;
  notes: string | null;
  /** the endpoint's key in plaintext (to tell whether a key in the file changes it) */
  apiKey: string | null;
}
export interface CurrentUser {
  id: string;
  username: string;
  role: Role;
  provider: string;
}
export interface CurrentState {
  endpoints: CurrentEndpoint[];
  users: CurrentUser[];
  apiKeys: { name: string; prefix: string }[];
}

type Action = "create" | "update" | "unchanged";
type Fields = Record<string, { from: unknown; to: unknown }>;
export type EndpointChange = {
  kind: "endpoint";
  action: Action;
  name: string;
  item: ConfigEndpoint;
  id?: string;
  fields?: Fields;
  note?: string;
};
export type UserChange = {
  kind: "user";
  action: Action;
  name: string;
  item: ConfigUser;
  id?: string;
  fields?: Fields;
  note?: string;
};
export type ApiKeyChange = { kind: "api_key"; action: Action; name: string; item: ConfigApiKey; note?: string };
export type Change = EndpointChange | UserChange | ApiKeyChange;

export interface Plan {
  changes: Change[];
  conflicts: FieldIssue[];
}

const SETTINGS = [
  ["endpoint_type", "endpointType"],
  ["health_check_interval_secs", "healthCheckIntervalSecs"],
  ["inference_timeout_secs", "inferenceTimeoutSecs"],
  ["model_load_timeout_secs", "modelLoadTimeoutSecs"],
  ["generation_probe", "generationProbe"],
  ["max_concurrency", "maxConcurrency"],
  ["notes", "notes"],
] as const;

function planEndpoint(
  item: ConfigEndpoint,
  i: number,
  current: CurrentEndpoint[],
  conflicts: FieldIssue[],
): EndpointChange | null {
  const field = `endpoints[${i}]`;
  const byName = current.find((e) => e.name === item.name);
  const byUrl = current.find((e) => e.baseUrl === item.base_url);
  if (byName && byName.baseUrl !== item.base_url) {
    conflicts.push({ field, message: `"${item.name}": an endpoint of this name has another URL (${byName.baseUrl})` });
    return null;
  }
  if (byUrl && byUrl.name !== item.name) {
    conflicts.push({ field, message: `"${item.name}": ${item.base_url} is registered as "${byUrl.name}"` });
    return null;
  }
  if (!byName) {
    const note =
      item.has_api_key && !item.api_key ? "the exported endpoint had an API key: give api_key to set it" : undefined;
    return { kind: "endpoint", action: "create", name: item.name, item, note };
  }
  const fields: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, col] of SETTINGS) {
    const to = item[key];
    if (to !== undefined && to !== byName[col]) fields[key] = { from: byName[col], to };
  }
  if (item.api_key && item.api_key !== byName.apiKey)
    fields.api_key = { from: byName.apiKey ? "(set)" : null, to: "(set)" };
  const changed = Object.keys(fields).length > 0;
  return {
    kind: "endpoint",
    action: changed ? "update" : "unchanged",
    name: item.name,
    item,
    id: byName.id,
    ...(changed ? { fields } : {}),
  };
}

function planUser(item: ConfigUser, i: number, current: CurrentUser[], conflicts: FieldIssue[]): UserChange | null {
  const existing = current.find((u) => u.username === item.username);
  if (existing && existing.provider !== item.provider) {
    conflicts.push({
      field: `users[${i}]`,
      message: `"${item.username}": exists signing in with ${existing.provider}, the file says ${item.provider}`,
    });
    return null;
  }
  if (!existing) {
    const note =
      item.provider === "local"
        ? "created without a password: an admin must set one before they can sign in"
        : undefined;
    return { kind: "user", action: "create", name: item.username, item, note };
  }
  if (existing.role === item.role)
    return { kind: "user", action: "unchanged", name: item.username, item, id: existing.id };
  return {
    kind: "user",
    action: "update",
    name: item.username,
    item,
    id: existing.id,
    fields: { role: { from: existing.role, to: item.role } },
  };
}

function duplicates<T>(items: T[], key: (t: T) => string, what: string, conflicts: FieldIssue[]) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) conflicts.push({ field: `${what}[${i}]`, message: `repeats ${what}[${seen.get(k)}] (${k})` });
    else seen.set(k, i);
  });
}

/** The changes an import makes, or the conflicts that refuse it (each naming its item). Pure. */
export function planImport({
  doc,
  current,
  localLogin,
}: {
  doc: ConfigDocument;
  current: CurrentState;
  localLogin: boolean;
}): Plan {
  const conflicts: FieldIssue[] = [];
  duplicates(doc.endpoints, (e) => e.name, "endpoints", conflicts);
  duplicates(doc.endpoints, (e) => e.base_url, "endpoints", conflicts);
  duplicates(doc.users, (u) => u.username, "users", conflicts);
  duplicates(
    doc.users.filter((u) => u.subject),
    (u) => `${u.provider}/${u.subject}`,
    "users",
    conflicts,
  );
  duplicates(doc.api_keys, (k) => `${k.name}/${k.prefix}`, "api_keys", conflicts);
  const changes: Change[] = [];
  doc.endpoints.forEach((e, i) => {
    const c = planEndpoint(e, i, current.endpoints, conflicts);
    if (c) changes.push(c);
  });
  const userChanges: UserChange[] = [];
  doc.users.forEach((u, i) => {
    const c = planUser(u, i, current.users, conflicts);
    if (c) userChanges.push(c);
  });
  // the admins after the import: no demotion may leave none, nor (with local login on) no local one
  const demoted = new Set(
    userChanges.filter((c) => c.action === "update" && c.item.role === "viewer").map((c) => c.name),
  );
  const admins = [
    ...current.users.filter((u) => u.role === "admin" && !demoted.has(u.username)),
    ...userChanges
      .filter((c) => c.item.role === "admin" && c.action !== "unchanged")
      .map((c) => ({ id: c.id ?? `new:${c.name}`, provider: c.item.provider })),
  ];
  for (const u of current.users.filter((u) => demoted.has(u.username))) {
    const refusal = adminRemovalRefusal({ target: u, admins: [...admins, u], localLogin });
    if (refusal)
      conflicts.push({
        field: `users[${doc.users.findIndex((d) => d.username === u.username)}]`,
        message: `"${u.username}": ${refusal} cannot be demoted`,
      });
  }
  changes.push(...userChanges);
  const knownUsers = new Set([...current.users.map((u) => u.username), ...doc.users.map((u) => u.username)]);
  doc.api_keys.forEach((k, i) => {
    if (k.created_by && !knownUsers.has(k.created_by))
      conflicts.push({ field: `api_keys[${i}]`, message: `"${k.name}": created_by names no user (${k.created_by})` });
    const exists = current.apiKeys.some((c) => c.name === k.name && c.prefix === k.prefix);
    changes.push(
      exists
        ? { kind: "api_key", action: "unchanged", name: k.name, item: k }
        : {
            kind: "api_key",
            action: "create",
            name: k.name,
            item: k,
            note: "metadata only: stored REVOKED, because the key itself is never exported; issue a new key",
          },
    );
  });
  return { changes, conflicts };
}
