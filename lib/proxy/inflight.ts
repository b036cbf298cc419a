import type { ServerResponse } from "node:http";
import { slot } from "../runtime";

/** Every /v1 response still open, so shutdown can wait for them. */
export const inflightRequests = () => slot("inflightRequests", () => new Set<ServerResponse>());
