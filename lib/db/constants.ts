// Client-safe enum tuples shared by schema, validation and UI.
export const ENDPOINT_STATUSES = ["pending", "online", "offline", "error"] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

export const ENDPOINT_TYPES = [
  "xllm",
  "ollama",
  "vllm",
  "lm_studio",
  "llamacpp",
  "openai_compatible",
  "unknown",
] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

export const ROLES = ["admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "openai.inference",
  "openai.models.read",
  "endpoints.read",
  "endpoints.manage",
  "api_keys.manage",
  "users.manage",
  "logs.read",
  "metrics.read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a /v1 request came to (request_log.outcome, /metrics `outcome`): a cut stream is `incomplete`, never a success. */
export const REQUEST_OUTCOMES = ["success", "incomplete", "cancelled", "error"] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];
/** API key presets in the dashboard: an application's key, a monitoring key, an automation key with everything. */
export const PERMISSION_PRESETS = {
  inference: ["openai.inference", "openai.models.read"],
  readOnly: PERMISSIONS.filter((p) => p.endsWith(".read")),
  admin: [...PERMISSIONS],
} as const satisfies Record<string, readonly Permission[]>;
export type PermissionPreset = keyof typeof PERMISSION_PRESETS;

export const DOWNLOAD_STATUSES = ["pending", "downloading", "completed", "failed"] as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUSES)[number];

/** A base URL ending in the SDK's `/v1`: removed when saved, since the load balancer adds `/v1` itself. */
export const TRAILING_V1 = /\/v1\/*$/i;

export const ENDPOINT_LIMITS = {
  nameMax: 100,
  intervalMin: 10,
  intervalMax: 300,
  timeoutMin: 10,
  timeoutMax: 600,
  modelLoadTimeoutMin: 10,
  modelLoadTimeoutMax: 3600,
  concurrencyMax: 10_000,
  notesMax: 2000,
} as const;

/** users.provider of the users who sign in with a password here. */
export const LOCAL_PROVIDER = "local";

/** next-auth's id of the OpenID Connect provider (its callback: /api/auth/callback/oidc); users.provider of its users. */
export const OIDC_PROVIDER_ID = "oidc";
/** Defaults of a new endpoint: the table's column defaults, registration and the form's placeholders use these. */
export const ENDPOINT_DEFAULTS = {
  /** `health_check_interval_secs` (also `LLMLB_HEALTH_CHECK_INTERVAL`'s default) */
  healthCheckIntervalSecs: 30,
  /** `inference_timeout_secs` */
  inferenceTimeoutSecs: 120,
} as const;
