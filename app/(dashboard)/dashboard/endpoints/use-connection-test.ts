import { useState } from "react";
import { endpointsApi, type FieldErrors, type ProbeResult } from "@/app/components/api-client";
import { readEndpointForm } from "./endpoint-form";

/** Connection test of the URL and key currently in a form; shared by "New endpoint" and "Edit". */
export function useConnectionTest() {
  const [probing, setProbing] = useState(false);
  const [probe, setProbe] = useState<ProbeResult | null>(null);
  const [probeErrors, setProbeErrors] = useState<FieldErrors>({});
  async function run(form: HTMLFormElement | null) {
    if (!form) return;
    const body = readEndpointForm(form, "create");
    setProbing(true);
    setProbe(null);
    const res = await endpointsApi.probe({
      base_url: body.base_url ?? "",
      ...(body.api_key ? { api_key: body.api_key } : {}),
    });
    setProbing(false);
    setProbeErrors(res.fieldErrors);
    if (res.ok) setProbe(res.data);
  }
  const clearError = (field: string) => setProbeErrors(({ [field]: _gone, form: _form, ...rest }) => rest);
  return { probing, probe, probeErrors, run, clearError };
}
