import * as v from "valibot";
import { ConflictError, FleetError, NotFoundError } from "../../domain/errors.ts";

/** Response headers as Octokit hands them over (lower-case names). */
export type Headers = Readonly<Record<string, string | number | undefined>>;

/** Shape of an Octokit `RequestError`, read without depending on its class identity. */
interface RequestErrorLike {
  status?: number;
  message?: string;
  request?: { url?: string };
  response?: { headers?: Headers; data?: unknown };
}

/** When the secondary limit gives no `retry-after`, GitHub asks for at least a minute. */
const defaultSecondaryWaitMs = 60_000;

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as RequestErrorLike | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own message (`data.message`), which is safe to log: it never echoes credentials. */
export function githubMessage(err: unknown): string {
  const data = (err as RequestErrorLike | null)?.response?.data;
  if (
    typeof data === "object" &&
    data !== null &&
    "message" in data &&
    typeof data.message === "string"
  ) {
    return data.message;
  }
  return (err as RequestErrorLike | null)?.message ?? String(err);
}

function header(headers: Headers | undefined, name: string): number | undefined {
  const raw = headers?.[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Tells how long GitHub asks us to wait, or undefined when the answer is not a rate limit:
 * `retry-after` first, then an exhausted primary budget (`x-ratelimit-reset`), then a minute for
 * a secondary limit that named no time.
 */
export function throttleWaitMs(
  status: number,
  headers: Headers | undefined,
  message: string,
  now: number,
): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = header(headers, "retry-after");
  if (retryAfter !== undefined) return Math.max(0, retryAfter * 1000);
  if (header(headers, "x-ratelimit-remaining") === 0) {
    const reset = header(headers, "x-ratelimit-reset");
    return reset === undefined ? defaultSecondaryWaitMs : Math.max(1000, reset * 1000 - now);
  }
  if (status === 429 || /secondary rate limit|rate limit exceeded|abuse/i.test(message)) {
    return defaultSecondaryWaitMs;
  }
  return undefined;
}

/** True when the failed request was the exchange of the App's JWT for an installation token. */
export function isTokenExchange(err: unknown): boolean {
  const url = (err as RequestErrorLike | null)?.request?.url ?? "";
  return /\/app\/installations\/\d+\/access_tokens$/.test(url);
}

/** Translates an Octokit error into our own, saying whether and when a retry can help. */
export function fromGitHubError(err: unknown, what: string, now: number): FleetError {
  if (err instanceof FleetError) return err;
  if (err instanceof v.ValiError) {
    // GitHub answered something we cannot read; asking again gets the same answer.
    const issues = v.summarize(err.issues);
    return new FleetError("github.bad_response", `${what} failed: unexpected answer: ${issues}`);
  }
  const status = statusOf(err);
  const message = githubMessage(err);
  const text = `${what} failed: GitHub answered ${status ?? "nothing"}: ${message}`;
  if (status === undefined) {
    return new FleetError("github.error", text, { retryable: true, cause: err });
  }
  const wait = throttleWaitMs(status, (err as RequestErrorLike).response?.headers, message, now);
  if (wait !== undefined) {
    return new FleetError("throttled", text, { retryable: true, retryAfterMs: wait, cause: err });
  }
  if (status >= 500) {
    return new FleetError("github.unavailable", text, { retryable: true, cause: err });
  }
  if (isTokenExchange(err) && (status === 403 || status === 404)) {
    // The installation is gone or suspended: not the same as the job or runner being gone.
    return new FleetError("github.installation_unavailable", text, { cause: err });
  }
  if (status === 404) return new NotFoundError(text);
  if (status === 409) return new ConflictError(text, { cause: err });
  if (status === 401) return new FleetError("github.unauthorized", text, { cause: err });
  if (status === 403) return new FleetError("github.forbidden", text, { cause: err });
  if (status === 422) return new FleetError("github.invalid", text, { cause: err });
  return new FleetError("github.error", text, { retryable: false, cause: err });
}
