import { ApiError } from "@/lib/errors";
import { json } from "@/lib/http";

/** Any /api path without a route: the /api error shape (404 not_found), never Next's HTML page. */
const notFound = async () => json(new ApiError("not_found", "no such API route").toJSON(), 404);

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
