"use client";
import type { Messages } from "@/lib/i18n/messages";
import { endpointsApi, type EndpointDto } from "@/app/components/api-client";
import { Modal } from "@/app/components/modal";
import { EndpointEditor } from "./endpoint-editor";

export function NewEndpointDialog({
  t,
  onClose,
  onCreated,
}: {
  t: Messages;
  onClose: () => void;
  onCreated: (row: EndpointDto) => void;
}) {
  return (
    <Modal title={t.newEndpoint} onClose={onClose} closeLabel={t.close} testId="new-endpoint-dialog">
      <EndpointEditor
        t={t}
        mode="create"
        save={endpointsApi.create}
        onSaved={(row) => row && onCreated(row)}
        onCancel={onClose}
      />
    </Modal>
  );
}
