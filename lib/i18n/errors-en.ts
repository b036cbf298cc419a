// What happened and what to do, for every upstream and validation failure a person can see. `{name}` marks a
// parameter. The English text is also the API's `message` and what is stored in `last_error`; the dashboard turns
// it back into its code and parameters (lib/i18n/localize.ts) to show it in the reader's language.
// Client-safe: plain data only.
export const errorsEn = {
  err_connection_refused: "Nothing is listening on {host}:{port}. Is the server running, and on this port?",
  err_host_not_found: "Host '{host}' was not found. Check the spelling of the address.",
  err_timed_out: "{host}:{port} timed out: no answer within {secs} s. Is it reachable from this server (firewall, VPN, sleeping machine)?",
  err_connection_reset: "{host}:{port} closed the connection. Is it an HTTP server, and does it expect https?",
  err_tls_failed: "The TLS handshake with {host}:{port} failed. Check http:// versus https:// and the certificate.",
  err_network: "Could not reach {host}:{port} ({detail}). Check the address and the network.",
  err_http_status: "{path} answered HTTP {status}. Check that the URL is the server's root address.",
  err_auth_rejected: "{path} refused the API key (HTTP {status}). Check the endpoint's API key.",
  err_not_json: "{path} did not answer with JSON. Is this an inference server?",
  err_too_large: "{path} answered too large a body (more than {mib} MiB); it was not read.",
  err_no_known_api: "The server answered, but no inference API was found (tried /api/system, /api/tags, /v1/models).",
  err_model_list_failed: "The server answered, but its model list could not be read: {reason}",
  err_not_model_list: "{path} answered, but not with a model list. Is this an inference server?",
  err_self: "This address is this load balancer itself. Enter the address of an inference server.",
  // validation (next to a field)
  val_required: "Required.",
  val_too_short: "Use at least {min} characters.",
  val_too_long: "Use at most {max} characters.",
  val_too_small: "At least {min}.",
  val_too_big: "At most {max}.",
  val_not_integer: "Enter a whole number.",
  val_not_number: "Enter a number.",
  val_one_of: "Choose one of: {values}.",
  val_invalid: "This value is not valid.",
  val_url_absolute: "Enter a full address starting with http:// or https://.",
  val_url_scheme: "Only http:// and https:// addresses are supported.",
  val_url_credentials: "Remove the user name and password from the address; put a key in the API key field.",
  val_url_query: "Remove the query (?…) and fragment (#…) from the address.",
  val_username_chars: "Use letters, digits and . _ @ - only.",
  val_role_or_password: "Give a role or a password.",
  val_unknown_field: "Unknown field.",
  val_malformed_json: "The request body is not valid JSON.",
  val_body_too_large: "The request body is larger than 1 MiB.",
  // notices
  note_v1_stripped: "The trailing /v1 was removed: the load balancer adds /v1 itself. Saved as {url}.",
  note_duplicate_origin: "{url} reaches the same server as the endpoint '{name}' ({other}). Registering it twice counts that server twice in routing.",
} as const;
export type ErrorKey = keyof typeof errorsEn;
