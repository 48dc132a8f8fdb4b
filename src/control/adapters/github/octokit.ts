import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/core";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Logger } from "../../../shared/logger.ts";
import type { GitHubAppCredentials } from "./config.ts";
import type { Headers } from "./errors.ts";

/** What every Octokit we build needs; nothing here is module-scoped, so tests choose each part. */
export interface OctokitDeps {
  app: GitHubAppCredentials;
  /** Absent: the client acts as the App itself (JWT), for installation look-ups. */
  installationId?: number;
  baseUrl: string;
  fetch: typeof fetch;
  /** Installation token cache shared by every client of the same App. */
  cache: { get(key: string): string | undefined; set(key: string, value: string): void };
  logger: Logger;
  /** Called with the headers of every response, errors included, and whether it spent the App's own budget. */
  onHeaders: (headers: Headers | undefined, appLevel: boolean) => void;
  /** A request that takes longer is aborted (and then retried as a 5xx would be). */
  requestTimeoutMs: number;
  /** Called once per failed request that is not an answer callers act on (404, 409, 422). */
  onError?: () => void;
}

/** Statuses that answer a question (not found, already done): the callers act on them. */
const answers = new Set([404, 409, 422]);

/** Routes authenticated as the App (JWT): token exchange and installation look-ups. */
const appLevelRoute = /^\/app\b|\/installation$/;

/**
 * An Octokit that authenticates as a GitHub App (`@octokit/auth-app`: RS256 JWT, installation
 * tokens) and runs on any runtime with `fetch` and Web Crypto; the key must be PKCS#8.
 */
export function createAppOctokit(deps: OctokitDeps): Octokit {
  const log = {
    debug: (message: string) => deps.logger.debug(message, { appId: deps.app.appId }),
    info: (message: string) => deps.logger.info(message, { appId: deps.app.appId }),
    warn: (message: string) => deps.logger.warn(message, { appId: deps.app.appId }),
    error: (message: string) => deps.logger.error(message, { appId: deps.app.appId }),
  };
  const timedFetch: typeof fetch = (input, init) =>
    deps.fetch(input, {
      ...init,
      signal: init?.signal ?? AbortSignal.timeout(deps.requestTimeoutMs),
    });
  const octokit = new Octokit({
    baseUrl: deps.baseUrl,
    userAgent: "runs-fleet",
    request: { fetch: timedFetch },
    log,
    authStrategy: createAppAuth,
    auth: {
      appId: deps.app.appId,
      privateKey: deps.app.privateKey,
      cache: deps.cache,
      log,
      ...(deps.installationId === undefined ? {} : { installationId: deps.installationId }),
    },
  });
  octokit.hook.after("request", (response, options) => {
    deps.onHeaders(response.headers as Headers, appLevelRoute.test(String(options.url)));
  });
  octokit.hook.error("request", (error, options) => {
    const headers = (error as { response?: { headers?: Headers } }).response?.headers;
    deps.onHeaders(headers, appLevelRoute.test(String(options.url)));
    const status = (error as { status?: number }).status;
    if (status === undefined || !answers.has(status)) deps.onError?.();
    throw error;
  });
  // Each request a child span of whatever the caller is doing, with its outcome.
  octokit.hook.wrap("request", (request, options) =>
    trace
      .getTracer("runs-fleet")
      .startActiveSpan(
        `GitHub ${options.method} ${String(options.url)}`,
        { kind: SpanKind.CLIENT, attributes: { "rpc.system": "github", "rpc.service": "GitHub" } },
        async (span) => {
          try {
            const response = await request(options);
            span.setAttributes({
              "http.response.status_code": response.status,
              "runs_fleet.outcome": "ok",
            });
            return response;
          } catch (err) {
            const status = (err as { status?: number }).status;
            if (status !== undefined) span.setAttribute("http.response.status_code", status);
            span.setAttribute("runs_fleet.outcome", "error");
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        },
      ),
  );
  return octokit;
}
