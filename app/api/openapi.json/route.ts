import { json, route } from "@/lib/http";
import { openApiDocument } from "@/lib/openapi/document";

/** The OpenAPI 3.1 document (lib/openapi/document.ts). Holds no data: no auth. */
export const GET = route(async () => json(openApiDocument()));
