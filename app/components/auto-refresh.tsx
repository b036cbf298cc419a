"use client";
import { useCallback } from "react";
import { useRouter } from "next/navigation";
import { useRepeat } from "./api-client";

/** Re-renders the server page every `ms` so server-loaded numbers stay current (the dashboard's one polling loop). */
export function AutoRefresh({ ms }: { ms: number }) {
  const router = useRouter();
  const task = useCallback(async () => router.refresh(), [router]);
  useRepeat(task, ms);
  return null;
}
