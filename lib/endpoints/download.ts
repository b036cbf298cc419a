import "server-only";
import crypto from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { downloadTasks, type DownloadTaskRow, type EndpointRow } from "../db/schema";
import { DOWNLOAD_STATUSES, type DownloadStatus } from "../db/constants";
import { env } from "../env";
import { ApiError } from "../errors";
import { audited } from "../audit";
import type { Principal } from "../auth/permissions";
import { getEndpointRow } from "./read";
import { endpointApiKey } from "./secrets";
import { syncModels, upstreamFailure } from "./sync";
import { upstreamJson } from "./upstream-http";
import { isJsonObject } from "../json";

export const serializeTask = (t: DownloadTaskRow) => ({
  id: t.id,
  model: t.model,
  status: t.status,
  progress: t.progress,
  speed_mbps: t.speedMbps,
  eta_seconds: t.etaSeconds,
  error: t.error,
  created_at: new Date(t.createdAt).toISOString(),
  updated_at: new Date(t.updatedAt).toISOString(),
});

function assertXllm(row: EndpointRow) {
  if (row.endpointType !== "xllm")
    throw new ApiError(
      "download_not_supported",
      `model download is supported on xllm endpoints only, not ${row.endpointType}`,
    );
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** `POST /api/endpoints/{id}/download`: starts the download on the xLLM endpoint and records a task. */
export async function startDownload({ db, id, model, actor }: { db: Db; id: string; model: string; actor: Principal }) {
  const row = await getEndpointRow(db, id);
  assertXllm(row);
  const r = await upstreamJson(row.baseUrl, "/api/models/download", {
    apiKey: endpointApiKey(row),
    method: "POST",
    body: { model },
    timeoutMs: env().LLMLB_HEALTH_CHECK_TIMEOUT_MS,
  });
  if (r.kind !== "ok") throw upstreamFailure(r.kind, r.error);
  if (!isJsonObject(r.json) || typeof r.json.task_id !== "string")
    throw upstreamFailure("bad", "no task_id in the answer");
  const now = Date.now();
  const task: DownloadTaskRow = {
    id: crypto.randomUUID(),
    endpointId: id,
    model,
    upstreamTaskId: r.json.task_id,
    status: "downloading",
    progress: 0,
    speedMbps: null,
    etaSeconds: null,
    error: null,
    createdAt: now,
    updatedAt: now,
  };
  await audited(db, actor, "endpoint.download", { type: "endpoint", id, details: { model } }, async (tx) => {
    await tx.insert(downloadTasks).values(task);
  });
  return serializeTask(task);
}

const TERMINAL: DownloadStatus[] = ["completed", "failed"];

/** `GET …/download/progress?model=`: the latest task for the model, refreshed from the endpoint while it runs. */
export async function downloadProgress({ db, id, model }: { db: Db; id: string; model: string }) {
  const row = await getEndpointRow(db, id);
  const [task] = await db
    .select()
    .from(downloadTasks)
    .where(and(eq(downloadTasks.endpointId, id), eq(downloadTasks.model, model)))
    .orderBy(desc(downloadTasks.createdAt))
    .limit(1);
  if (!task) throw new ApiError("not_found", `no download task for model ${model}`);
  let current = task;
  if (!TERMINAL.includes(task.status) && task.upstreamTaskId) {
    const r = await upstreamJson(
      row.baseUrl,
      `/api/download/progress?task_id=${encodeURIComponent(task.upstreamTaskId)}`,
      {
        apiKey: endpointApiKey(row),
        timeoutMs: env().LLMLB_HEALTH_CHECK_TIMEOUT_MS,
      },
    );
    if (r.kind === "ok" && isJsonObject(r.json)) {
      const status = (DOWNLOAD_STATUSES as readonly string[]).includes(String(r.json.status))
        ? (r.json.status as DownloadStatus)
        : task.status;
      current = {
        ...task,
        status,
        progress: Math.max(0, Math.min(100, Math.round(num(r.json.progress) ?? task.progress))),
        speedMbps: num(r.json.speed_mbps),
        etaSeconds: num(r.json.eta_seconds),
        error: typeof r.json.error === "string" ? r.json.error : null,
        updatedAt: Date.now(),
      };
      await db.update(downloadTasks).set(current).where(eq(downloadTasks.id, task.id));
      if (status === "completed") await syncModels({ db, row }).catch(() => undefined);
    }
  }
  return {
    model,
    status: current.status,
    progress: current.progress,
    speed_mbps: current.speedMbps,
    eta_seconds: current.etaSeconds,
    error: current.error,
  };
}
