import { ApiError } from "@/lib/errors";
import { errorResponse } from "@/lib/http";

/** Any /api path without a route: the /api error shape (404 not_found), never Next's HTML page. */
const notFound = async (req: Request) => errorResponse(new ApiError("not_found", "no such API route"), req);

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
