import { describe, expect, it } from "vitest";
import { FleetError } from "../../domain/errors.ts";
import { fromGitHubError, throttleWaitMs } from "./errors.ts";

const now = 1_700_000_000_000;
const requestError = (status: number, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), { status, response: { headers, data: { message } } });

describe("fromGitHubError", () => {
  it.each([
    [500, {}, "boom", "github.unavailable", true],
    [503, {}, "down", "github.unavailable", true],
    [404, {}, "Not Found", "not_found", false],
    [409, {}, "Already exists", "conflict", false],
    [422, {}, "Validation Failed", "github.invalid", false],
    [401, {}, "Bad credentials", "github.unauthorized", false],
    [403, {}, "Resource not accessible by integration", "github.forbidden", false],
    [400, {}, "Problems parsing JSON", "github.error", false],
    [403, { "retry-after": "30" }, "You have exceeded a secondary rate limit", "throttled", true],
    [403, {}, "You have exceeded a secondary rate limit", "throttled", true],
    [429, {}, "Too many requests", "throttled", true],
  ])("%i %j %s → %s (retryable %s)", (status, headers, message, code, retryable) => {
    const err = fromGitHubError(requestError(status, message, headers), "doing it", now);
    expect(err).toBeInstanceOf(FleetError);
    expect(err).toMatchObject({ code, retryable });
    expect(err.message).toContain(message);
  });

  it("treats an error without a status (network, abort) as retryable", () => {
    expect(fromGitHubError(new TypeError("fetch failed"), "x", now)).toMatchObject({
      retryable: true,
    });
  });

  it("passes our own errors through", () => {
    const own = new FleetError("mine", "m");
    expect(fromGitHubError(own, "x", now)).toBe(own);
  });
});

describe("throttleWaitMs", () => {
  it("prefers retry-after, then the primary reset, then a minute", () => {
    expect(throttleWaitMs(403, { "retry-after": "5" }, "", now)).toBe(5000);
    const reset = String(now / 1000 + 90);
    expect(
      throttleWaitMs(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }, "", now),
    ).toBe(90_000);
    expect(throttleWaitMs(403, {}, "secondary rate limit", now)).toBe(60_000);
    expect(
      throttleWaitMs(403, { "x-ratelimit-remaining": "10" }, "Forbidden", now),
    ).toBeUndefined();
    expect(throttleWaitMs(500, { "retry-after": "5" }, "", now)).toBeUndefined();
  });
});

describe("errors that are not GitHub's answer to the call itself", () => {
  it("names a failed token exchange as a lost installation, not a missing thing", () => {
    const err = Object.assign(requestError(404, "Not Found"), {
      request: { url: "https://api.github.com/app/installations/7/access_tokens" },
    });
    expect(fromGitHubError(err, "x", now)).toMatchObject({
      code: "github.installation_unavailable",
      retryable: false,
    });
  });

  it("does not retry an answer it cannot read", async () => {
    const v = await import("valibot");
    const bad = v.safeParse(v.object({ id: v.number() }), { id: "x" });
    const err = bad.success ? undefined : new v.ValiError(bad.issues);
    expect(fromGitHubError(err, "x", now)).toMatchObject({
      code: "github.bad_response",
      retryable: false,
    });
  });
});
