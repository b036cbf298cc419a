import { z } from "zod";
import { configDocumentSchema } from "@/lib/config/schema";
import { json, route } from "@/lib/http";

/** The configuration document's JSON Schema, from the zod schema that validates imports. Holds no data: no auth. */
export const GET = route(async () =>
  json(z.toJSONSchema(configDocumentSchema, { io: "input", unrepresentable: "any" })),
);
