import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { type PoolDefinition, parsePoolDefinitions } from "../../src/control/domain/pool-config.ts";
import { ADMIN_TOKEN, buildPlane } from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

const t0 = Date.parse("2026-11-30T20:00:00.000Z");
const parsed = parsePoolDefinitions([
  { name: "linux", spec: "cpu=4/arch=arm64", hot: 1, stopped: 2 },
]);
if (!parsed.ok) throw new Error(parsed.issues.join("; "));
const pools = parsed.pools as PoolDefinition[];

let b: Backends;
let plane: ReturnType<typeof buildPlane>;
const scheduleClock = fixedClock(t0);
beforeAll(async () => {
  b = await startBackends();
  plane = buildPlane(b, { pools, scheduleClock });
});
afterAll(async () => {
  await b?.stop();
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const get = async () => {
  const res = await plane.app.request("/api/pools", { headers: auth });
  expect(res.status).toBe(200);
  return ((await res.json()) as { pools: Array<Record<string, unknown>> }).pools;
};
const post = (path: string, body?: unknown) =>
  plane.app.request(path, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });

describe("admin API: pools", () => {
  it("lists each pool: definition, source and version, desired and actual sizes, utilisation", async () => {
    expect(await get()).toEqual([
      {
        definition: pools[0],
        origin: { source: "file", version: null },
        paused: false,
        override: null,
        desired: { hot: 1, stopped: 2, from: "base" },
        actual: { hot: 0, starting: 0, stopped: 0, busy: 0, unhealthy: 0 },
        utilization: 0,
      },
    ]);
    expect((await plane.app.request("/api/pools")).status).toBe(401);
  });

  it("resizes for a while: the override wins until it expires", async () => {
    const res = await post("/api/pools/linux/resize", { hot: 4, stopped: 0, minutes: 30 });
    expect(res.status).toBe(200);
    expect((await get())[0]).toMatchObject({
      override: { hot: 4, stopped: 0, until: "2026-11-30T20:30:00.000Z" },
      desired: { hot: 4, stopped: 0, from: "override" },
    });
    scheduleClock.set(Date.parse("2026-11-30T20:30:00.000Z"));
    expect((await get())[0]).toMatchObject({ desired: { hot: 1, stopped: 2, from: "base" } });
  });

  it("pauses and resumes: a paused pool is reported but not acted on", async () => {
    expect((await post("/api/pools/linux/pause")).status).toBe(200);
    expect((await get())[0]).toMatchObject({ paused: true });
    expect(await plane.pools.reconcile()).toEqual({});
    expect((await post("/api/pools/linux/resume")).status).toBe(200);
    expect((await get())[0]).toMatchObject({ paused: false });
  });

  it("refuses bad input with a clear 4xx and changes nothing", async () => {
    const before = await get();
    const cases: Array<[string, unknown, number, RegExp]> = [
      ["/api/pools/nope/resize", { hot: 1, stopped: 0, minutes: 5 }, 404, /no pool named nope/],
      ["/api/pools/linux/resize", { hot: -1, stopped: 0, minutes: 5 }, 400, /invalid body/],
      ["/api/pools/linux/resize", { hot: 1, stopped: 0 }, 400, /minutes/],
      [
        "/api/pools/linux/resize",
        { hot: 1, stopped: 0, minutes: 5, extra: 1 },
        400,
        /invalid body/,
      ],
      ["/api/pools/linux/resize", "{not json", 400, /JSON/],
      ["/api/pools/bad%20name/pause", undefined, 400, /not a pool name/],
      ["/api/pools/nope/pause", undefined, 404, /no pool named nope/],
    ];
    for (const [path, body, status, message] of cases) {
      const res = await post(path, body);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect(await get()).toEqual(before);
  });
});
