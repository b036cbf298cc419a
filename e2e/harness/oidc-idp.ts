// A real OpenID Connect provider (the `oidc-provider` package) on loopback, for the sign-in journeys. It sits
// behind a small pass-through proxy, which is the issuer's address: with `tamper` on, the proxy rewrites the
// ID token in the token endpoint's answer (claims changed, signature kept) — what a forged token looks like.
import http from "node:http";
import net from "node:net";
import Provider from "oidc-provider";

export interface IdpUser {
  sub: string;
  groups: string[];
}

export interface TestIdp {
  issuer: string;
  /** the users, read at every sign-in: change a user's groups here */
  users: IdpUser[];
  clientId: string;
  clientSecret: string;
  /** rewrite the next ID tokens: their groups become `groups` (the signature no longer matches) */
  tamper: { groups: string[] } | null;
  /** rewrite the `state` in the provider's redirects back to the client */
  forgeState: boolean;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function forgeIdToken(body: string, groups: string[]): string {
  const answer = JSON.parse(body) as { id_token?: string };
  if (!answer.id_token) return body;
  const [header, payload, signature] = answer.id_token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  claims.groups = groups;
  answer.id_token = [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
  return JSON.stringify(answer);
}

/** Starts the provider with one client whose redirect URI is `redirectUri`, and the given users. */
export async function startIdp({ redirectUri, users }: { redirectUri: string; users: IdpUser[] }): Promise<TestIdp> {
  const [innerPort, outerPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${outerPort}`;
  const client = { clientId: "llmlb-test", clientSecret: "idp-client-secret-7f3a9c" };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    // the dev login form accepts any login: only the listed users exist
    findAccount: (_ctx, id) => {
      const user = idp.users.find((u) => u.sub === id);
      return user
        ? {
            accountId: id,
            claims: () => ({ sub: id, preferred_username: id, email: `${id}@idp.test`, groups: user.groups }),
          }
        : undefined;
    },
    claims: { openid: ["sub"], profile: ["preferred_username", "groups"], email: ["email"] },
    conformIdTokenClaims: false, // the claims go into the ID token, as many providers do for groups
    cookies: { keys: ["idp-cookie-key-for-tests-only"] },
    features: { devInteractions: { enabled: true } },
  });
  const inner = http.createServer(provider.callback());
  await new Promise<void>((r) => inner.listen(innerPort, "127.0.0.1", r));

  const idp: TestIdp = { issuer, users, ...client, tamper: null, forgeState: false, stop: async () => {} };
  const outer = http.createServer((req, res) => {
    const upstream = http.request(
      { host: "127.0.0.1", port: innerPort, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        const tamper = idp.tamper && req.method === "POST" && req.url?.startsWith("/token");
        if (!tamper) {
          const location = up.headers.location;
          if (idp.forgeState && location?.startsWith(redirectUri)) {
            const url = new URL(location);
            url.searchParams.set("state", "forged-state");
            up.headers.location = url.href;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = forgeIdToken(Buffer.concat(chunks).toString(), idp.tamper!.groups);
          const headers = { ...up.headers, "content-length": String(Buffer.byteLength(body)) };
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => outer.listen(outerPort, "127.0.0.1", r));
  idp.stop = async () => {
    outer.closeAllConnections();
    inner.closeAllConnections();
    await Promise.all([new Promise((r) => outer.close(r)), new Promise((r) => inner.close(r))]);
  };
  return idp;
}
