import { headers } from "next/headers";
import { listApiKeys } from "@/lib/auth/api-keys";
import { publicOrigin } from "@/lib/onboarding/state";
import { pageContext } from "../page-context";
import { ApiKeysView } from "./api-keys-view";

export default async function ApiKeysPage() {
  const { t, lang, db, can } = await pageContext();
  // Viewers see the list read-only (names, prefixes, permissions: no secrets); only managers may change it.
  const keys = await listApiKeys({ db });
  return (
    <ApiKeysView
      t={t}
      lang={lang}
      keys={keys}
      canManage={can("api_keys.manage")}
      origin={publicOrigin(await headers())}
    />
  );
}
