/** /v1 requests whose response is still open (the `llmlb_inflight_requests` gauge). */
export const inflight = { count: 0 };
