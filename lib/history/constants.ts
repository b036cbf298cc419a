// Client-safe vocabulary of the request history: status classes, time-range presets, paging limits.
export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export const TIME_RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type TimeRange = keyof typeof TIME_RANGES;

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;
