import { describe, expect, it } from "vitest";
import { fixedClock } from "../adapters/clock.ts";
import { createSessions, isLoopback } from "./session.ts";

const t0 = Date.UTC(2026, 2, 1);

describe("sessions", () => {
  it("verifies what it issued until it expires, and nothing else", async () => {
    const clock = fixedClock(t0);
    const sessions = createSessions({ secret: "admin-token-0123456789", clock, ttlSeconds: 60 });
    const { session, value } = await sessions.issue("session");
    expect(await sessions.verify(value)).toEqual(session);
    const other = createSessions({ secret: "another-token-0123456789", clock });
    expect(await other.verify(value)).toBeNull();
    const [payload] = value.split(".");
    expect(await sessions.verify(`${payload}.AAAA`)).toBeNull();
    expect(await sessions.verify(`${value}.extra`)).toBeNull();
    expect(await sessions.verify(undefined)).toBeNull();
    clock.advance(60_000);
    expect(await sessions.verify(value)).toBeNull();
  });

  it("issues a shorter session when asked, never a longer one", async () => {
    const clock = fixedClock(t0);
    const sessions = createSessions({ secret: "admin-token-0123456789", clock, ttlSeconds: 60 });
    const short = await sessions.issue("github:octocat", 10_000);
    const long = await sessions.issue("github:octocat", 3_600_000);
    expect(short.session.expiresAt).toBe(t0 + 10_000);
    expect(long.session.expiresAt).toBe(t0 + 60_000);
    clock.advance(10_000);
    expect(await sessions.verify(short.value)).toBeNull();
    expect(await sessions.verify(long.value)).toMatchObject({ actor: "github:octocat" });
  });

  it("derives a CSRF token per session, and seals values for one purpose only", async () => {
    const clock = fixedClock(t0);
    const sessions = createSessions({ secret: "admin-token-0123456789", clock });
    const a = (await sessions.issue("session")).session;
    const b = (await sessions.issue("session")).session;
    const token = await sessions.csrfToken(a);
    expect(await sessions.checkCsrf(a, token)).toBe(true);
    expect(await sessions.checkCsrf(b, token)).toBe(false);
    expect(await sessions.checkCsrf(a, undefined)).toBe(false);
    const sealed = await sessions.seal("manifest", { actor: "session" }, t0 + 1000);
    expect(await sessions.unseal("manifest", sealed)).toMatchObject({ actor: "session" });
    // A manifest `state` is no session cookie, and the other way round.
    expect(await sessions.verify(sealed)).toBeNull();
  });

  it("knows loopback addresses, where cookies may go without Secure", () => {
    expect(isLoopback("http://127.0.0.1:8080/ui")).toBe(true);
    expect(isLoopback("http://localhost/ui")).toBe(true);
    expect(isLoopback("http://[::1]:8080/")).toBe(true);
    expect(isLoopback("https://fleet.example.com/ui")).toBe(false);
    expect(isLoopback("http://127.0.0.1.example.com/")).toBe(false);
  });
});
