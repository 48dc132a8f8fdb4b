import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { type PoolDefinition, parsePoolDefinitions } from "../../src/control/domain/pool-config.ts";
import { ADMIN_TOKEN, buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { form, signIn } from "./session.ts";

const parsed = parsePoolDefinitions([{ name: "warm", spec: "cpu=2", hot: 1, stopped: 0 }]);
if (!parsed.ok) throw new Error(parsed.issues.join("; "));
const pools = parsed.pools as PoolDefinition[];

let b: Backends;
beforeAll(async () => {
  b = await startBackends({ prefix: "ui-pools-" });
});
afterAll(async () => {
  await b?.stop();
});

describe("dashboard: pools", () => {
  it("shows a pool's sizes, and pauses and resizes it with audit records from UI and API", async () => {
    const { app } = buildPlane(b, { pools, scheduleClock: fixedClock(Date.UTC(2026, 10, 30, 20)) });
    const { cookie, csrf } = await signIn(app);
    const page = await (await app.request("/ui/pools", { headers: { cookie } })).text();
    expect(page).toContain('data-pool="warm"');
    expect(page).toContain("base size");
    const paused = await app.request(
      "/ui/actions/pause-pool",
      form(cookie, { _csrf: csrf, target: "warm", back: "/ui/pools", confirmed: "1" }),
    );
    expect(paused.status).toBe(303);
    expect(await (await app.request("/ui/pools", { headers: { cookie } })).text()).toContain(
      "Resume",
    );
    const bad = await app.request(
      "/ui/actions/resize-pool",
      form(cookie, {
        _csrf: csrf,
        target: "warm",
        hot: "-1",
        stopped: "0",
        minutes: "60",
        confirmed: "1",
      }),
    );
    expect(bad.status).toBe(400);
    const resized = await app.request("/api/pools/warm/resize", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ hot: 3, stopped: 1, minutes: 30 }),
    });
    expect(resized.status).toBe(200);
    const page2 = await (await app.request("/ui/pools", { headers: { cookie } })).text();
    expect(page2).toContain("override until");
    const audit = (await (
      await app.request("/api/audit", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as { records: Array<{ action: string; actor: string; target: string }> };
    expect(audit.records.map((r) => [r.action, r.actor, r.target])).toEqual([
      ["pool.resize", "token", "warm"],
      ["pool.pause", "session", "warm"],
    ]);
  });
});
