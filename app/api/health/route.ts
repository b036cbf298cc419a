import { healthReport } from "@/lib/server/health-report";
import { json } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await healthReport();
  return json(report, report.status === "ok" ? 200 : 503);
}
