"use client";
import type { Messages } from "@/lib/i18n/messages";
import { endpointsApi, type EndpointDto } from "@/app/components/api-client";
import { EndpointEditor } from "./endpoint-editor";

/** Edit an endpoint in place (PATCH); a new URL re-detects the type and resets the status to pending. */
export function EditEndpointForm({
  t,
  endpoint,
  onDone,
  onCancel,
}: {
  t: Messages;
  endpoint: EndpointDto;
  onDone: () => void;
  onCancel: () => void;
}) {
  return (
    <EndpointEditor
      t={t}
      mode="edit"
      initial={endpoint}
      save={(input) => endpointsApi.update(endpoint.id, input)}
      onSaved={onDone}
      onCancel={onCancel}
    />
  );
}
