import { ADMIN_TOKEN } from "../support/app.ts";

type App = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/** Signs in with the admin token; the session cookie and the page's CSRF token. */
export async function signIn(app: App): Promise<{ cookie: string; csrf: string }> {
  const res = await app.request("/ui/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token: ADMIN_TOKEN, next: "/ui" }),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const page = await (await app.request("/ui/audit", { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? "";
  return { cookie, csrf };
}

/** A form POST as the browser sends it. */
export function form(cookie: string, fields: Record<string, string>): RequestInit {
  return { method: "POST", headers: { cookie }, body: new URLSearchParams(fields) };
}
