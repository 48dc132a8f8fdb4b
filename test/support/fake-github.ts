import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyAppJwt } from "./fake-github-auth.ts";
import { generateAppKey } from "./fake-github-keys.ts";
import { createFakeOAuth } from "./fake-github-oauth.ts";
import { appRoute, installationRoute } from "./fake-github-routes.ts";
import {
  type FakeInstallation,
  type FakeState,
  type Reply,
  runnerList,
  type Who,
} from "./fake-github-state.ts";

export type { FakeInstallation, FakeRunner } from "./fake-github-state.ts";

/**
 * A small GitHub REST API for tests: Apps authenticate with RS256 JWTs checked against their
 * public keys, get installation tokens that expire, and use them on runner, job and installation
 * endpoints. Faults (403 secondary limits, 404, 5xx) are injected on demand; every call is
 * recorded so tests can count them.
 */
export interface FakeGitHubOptions {
  /** The server's clock for token expiry (JWTs are checked against the wall clock). */
  now?: () => number;
  /** Lifetime of installation tokens; GitHub's is one hour. */
  tokenTtlMs?: number;
  /** Approximate size of encoded JIT configs. */
  jitConfigBytes?: number;
  /** Serve under a path, as GitHub Enterprise Server does with `/api/v3`. */
  pathPrefix?: string;
}

/** A canned answer for the next matching request(s). */
export interface Fault {
  method?: string;
  path: string | RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests fail; 1 when absent. */
  times?: number;
}

/** One request as the fake saw it. */
export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: "jwt" | "token" | "none";
  appId?: string;
  installationId?: number;
  status: number;
}

const matches = (pattern: string | RegExp, path: string) =>
  typeof pattern === "string" ? pattern === path : pattern.test(path);

/** Starts the fake on a free loopback port. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}) {
  const prefix = options.pathPrefix ?? "";
  const state: FakeState = {
    now: options.now ?? (() => Date.now()),
    tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
    jitConfigBytes: options.jitConfigBytes ?? 1400,
    jitEnabled: true,
    publicKeys: new Map(),
    installations: new Map(),
    tokens: new Map(),
    jobs: new Map(),
    runners: new Map(),
    groups: new Map(),
    files: new Map(),
    statuses: [],
    secrets: [],
    nextId: 1000,
  };
  const remaining = new Map<string, number>();
  /** Codes GitHub would hand out at the end of the manifest flow, by the owner they are for. */
  const manifestCodes = new Map<string, string>();
  const convertManifest = (code: string): Reply => {
    const owner = manifestCodes.get(code);
    if (owner === undefined) return { status: 404, body: { message: "Not Found" } };
    manifestCodes.delete(code);
    const key = generateAppKey();
    const id = state.nextId++;
    state.publicKeys.set(String(id), key.publicKey);
    const secret = `whsec-${randomBytes(12).toString("hex")}`;
    state.secrets.push(key.pkcs1, secret);
    return {
      status: 201,
      body: {
        id,
        slug: `runs-fleet-${id}`,
        name: "runs-fleet",
        owner: { login: owner },
        html_url: `https://github.com/apps/runs-fleet-${id}`,
        client_id: `Iv1.${id}`,
        client_secret: `cs-${randomBytes(8).toString("hex")}`,
        webhook_secret: secret,
        pem: key.pkcs1,
      },
    };
  };
  const faults: Fault[] = [];
  const calls: Call[] = [];
  const oauth = createFakeOAuth();

  const authenticate = (req: IncomingMessage): Who | Reply => {
    const [scheme, value] = (req.headers.authorization ?? "").split(" ");
    if (scheme?.toLowerCase() === "bearer" && value) {
      const checked = verifyAppJwt(value, state.publicKeys);
      return checked.ok
        ? { kind: "jwt", appId: checked.appId }
        : { status: 401, body: { message: checked.error } };
    }
    if (scheme?.toLowerCase() === "token" && value) {
      const t = state.tokens.get(value);
      const inst = t && state.installations.get(t.installationId);
      if (!t || !inst || t.expiresAt <= state.now())
        return { status: 401, body: { message: "Bad credentials" } };
      return { kind: "token", installation: inst };
    }
    return { status: 401, body: { message: "Requires authentication" } };
  };

  const rateHeaders = (who: Who): Record<string, string> => {
    const key = who.kind === "jwt" ? `app:${who.appId}` : `inst:${who.installation.id}`;
    const left = Math.max(0, (remaining.get(key) ?? 5000) - 1);
    remaining.set(key, left);
    return {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(left),
      "x-ratelimit-used": String(5000 - left),
      "x-ratelimit-reset": String(Math.floor(state.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
    };
  };

  const answer = (
    who: Who,
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
  ) => {
    const fault = faults.find((f) => (f.method ?? method) === method && matches(f.path, path));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      return {
        status: fault.status,
        body: fault.body ?? { message: "injected fault" },
        headers: fault.headers ?? {},
      };
    }
    return who.kind === "jwt"
      ? appRoute(state, method, path, who.appId)
      : installationRoute(state, method, path, query, body, who);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    } catch {
      body = {};
    }
    const signIn = oauth.route(method, path, req.headers.authorization, body);
    if (signIn) {
      calls.push({ method, path, query: url.searchParams, auth: "none", status: signIn.status });
      res.writeHead(signIn.status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(signIn.body));
      return;
    }
    // The manifest code exchange needs no authentication: the single-use code is the proof.
    const conversion = /^\/app-manifests\/([^/]+)\/conversions$/.exec(path);
    if (method === "POST" && conversion) {
      const reply = convertManifest(conversion[1] ?? "");
      calls.push({ method, path, query: url.searchParams, auth: "none", status: reply.status });
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(reply.body));
      return;
    }
    const who = authenticate(req);
    const authed = !("status" in who);
    const headers = authed ? rateHeaders(who) : {};
    const reply: Reply = authed ? answer(who, method, path, url.searchParams, body) : who;
    const caller = !authed
      ? {}
      : who.kind === "jwt"
        ? { appId: who.appId }
        : { appId: who.installation.appId, installationId: who.installation.id };
    calls.push({
      method,
      path,
      query: url.searchParams,
      auth: authed ? who.kind : "none",
      ...caller,
      status: reply.status,
    });
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      ...headers,
      ...reply.headers,
    });
    res.end(reply.status === 204 ? undefined : JSON.stringify(reply.body ?? {}));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    /** The API base URL (with the path prefix, if any). */
    url: `http://127.0.0.1:${port}${prefix}`,
    state,
    calls,
    /** Every secret handed out (installation tokens, JIT configs, registration tokens). */
    secrets: state.secrets,
    /** GitHub's OAuth web flow (sign-in with GitHub): clients, codes, memberships. */
    oauth,
    /** A code the manifest flow would hand back for `owner`; single use. */
    addManifestCode(code: string, owner = "octo-org") {
      manifestCodes.set(code, owner);
    },
    addApp(appId: string, publicKeyPem: string) {
      state.publicKeys.set(appId, publicKeyPem);
    },
    addInstallation(inst: FakeInstallation) {
      state.installations.set(inst.id, inst);
    },
    /** Sets a job's status as GitHub reports it (`queued`, `in_progress`, `completed`…). */
    setJob(repo: string, jobId: string | number, status: string, conclusion: string | null = null) {
      state.jobs.set(`${repo}#${jobId}`, { status, conclusion });
    },
    job: (repo: string, jobId: string | number) => state.jobs.get(`${repo}#${jobId}`),
    /** Puts a file into a repository as of a commit (or branch). */
    putFile(repo: string, ref: string, path: string, text: string) {
      state.files.set(`${repo}@${ref}:${path}`, text);
    },
    /** Commit statuses set on a commit, oldest first. */
    statuses: (repo: string, sha: string) =>
      state.statuses.filter((s) => s.repo === repo && s.sha === sha),
    addRunnerGroup(org: string, name: string): number {
      const id = state.nextId++;
      state.groups.set(org, [...(state.groups.get(org) ?? []), { id, name }]);
      return id;
    },
    /** Runners registered in a scope: `owner/repo`, or `org` for organisation runners. */
    runners: (scope: string) => runnerList(state, scope),
    /** Queues a fault for the next matching request(s). */
    fail(fault: Fault) {
      faults.push({ ...fault });
    },
    /** Answers the next matching request(s) with a 403 secondary rate limit. */
    secondaryRateLimit(path: string | RegExp, retryAfterSeconds?: number, times = 1) {
      faults.push({
        path,
        status: 403,
        times,
        headers:
          retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
        body: {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        },
      });
    },
    /** Sets the remaining budget of an installation (the next answer reports one less). */
    setRemaining(installationId: number, left: number) {
      remaining.set(`inst:${installationId}`, left + 1);
    },
    /** Counts recorded calls by method and path (exact string or pattern). */
    count(method: string, path: string | RegExp): number {
      return calls.filter((c) => c.method === method && matches(path, c.path)).length;
    },
    tokensIssued: () => [...state.tokens.values()],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type FakeGitHub = Awaited<ReturnType<typeof startFakeGitHub>>;
