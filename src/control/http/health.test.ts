import { describe, expect, it } from "vitest";
import { fixedClock } from "../adapters/clock.ts";
import { healthRoutes } from "./health.ts";

/** A dependency whose next pings answer as the test says: at once, with an error, or never. */
function dependency(name: string) {
  let mode: "up" | "error" | "silent" = "up";
  let pings = 0;
  return {
    check: {
      name,
      ping: () => {
        pings += 1;
        if (mode === "up") return Promise.resolve();
        if (mode === "error") return Promise.reject(new Error("connection refused"));
        return new Promise<void>(() => {});
      },
    },
    set: (next: typeof mode) => {
      mode = next;
    },
    pings: () => pings,
  };
}

function setup() {
  const clock = fixedClock(Date.parse("2026-01-01T00:00:00Z"));
  const db = dependency("dynamodb");
  const queue = dependency("sqs");
  const app = healthRoutes({
    checks: [db.check, queue.check],
    clock,
    startedAt: clock.now(),
    version: "test",
    mode: "local",
    // A limit the silent checks reach at once: what is tested is what follows, not how long.
    timeoutMs: 1,
    staleAfterMs: 30_000,
  });
  const ready = async () => {
    const res = await app.request("/readyz");
    return { status: res.status, body: (await res.json()) as { checks: Array<{ state: string }> } };
  };
  return { clock, db, queue, ready };
}

describe("/readyz", () => {
  it("stays ready when a dependency that answered well is slow for a moment", async () => {
    const { db, ready, clock } = setup();
    expect((await ready()).status).toBe(200);
    db.set("silent");
    clock.advance(5_000);
    const slow = await ready();
    expect(slow.status).toBe(200);
    expect(slow.body.checks.map((c) => c.state)).toEqual(["slow", "ok"]);
  });

  it("asks a slow dependency once, not once per request", async () => {
    const { db, ready } = setup();
    await ready();
    db.set("silent");
    await Promise.all([ready(), ready(), ready()]);
    await ready();
    expect(db.pings()).toBe(2);
  });

  it("says not ready when a dependency answers with an error", async () => {
    const { queue, ready } = setup();
    await ready();
    queue.set("error");
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.checks[1]).toMatchObject({
      name: "sqs",
      ok: false,
      state: "down",
      error: "connection refused",
    });
    queue.set("up");
    expect((await ready()).status).toBe(200);
  });

  it("says not ready when a dependency stays silent past the stale limit", async () => {
    const { db, ready, clock } = setup();
    await ready();
    db.set("silent");
    clock.advance(30_001);
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.checks[0]).toMatchObject({ state: "down", ok: false });
  });

  it("is not ready before a dependency has answered once", async () => {
    const { db, ready } = setup();
    db.set("silent");
    expect((await ready()).status).toBe(503);
  });
});
