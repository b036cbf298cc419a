import { z } from "zod";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, STATUS_CLASSES } from "./constants";

const isoTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });

/** `GET /api/requests` query. Unknown parameters and bad values are a 400 naming the field. */
export const listRequestsQuery = z
  .strictObject({
    model: z.string().trim().min(1).max(512).optional(),
    endpoint_id: z.uuid("must be an endpoint id").optional(),
    api_key_id: z.string().trim().min(1).max(100).optional(),
    status: z.enum(STATUS_CLASSES, `must be one of ${STATUS_CLASSES.join(", ")}`).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    page_size: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: "must not be after `to`",
    path: ["from"],
  });
export type ListRequestsQuery = z.infer<typeof listRequestsQuery>;

/** `GET /api/requests/export` query: the list's filters, no paging (at most EXPORT_MAX rows, newest first). */
export const exportRequestsQuery = z.strictObject({
  model: z.string().trim().min(1).max(512).optional(),
  endpoint_id: z.uuid().optional(),
  api_key_id: z.string().trim().min(1).max(100).optional(),
  status: z.enum(STATUS_CLASSES).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});
export type ExportRequestsQuery = z.infer<typeof exportRequestsQuery>;
