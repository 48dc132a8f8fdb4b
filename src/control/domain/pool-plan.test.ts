import { describe, expect, it } from "vitest";
import type { Instance } from "./instance.ts";
import { type PoolDefinition, parsePoolDefinitions } from "./pool-config.ts";
import { type PlannedPool, planPool } from "./pool-plan.ts";
import { desiredSizes } from "./pool-schedule.ts";

const t = (iso: string) => Date.parse(iso);
const health = { heartbeatTimeoutMs: 180_000, bootGraceMs: 600_000 };

function pool(extra: Partial<PoolDefinition> = {}): PoolDefinition {
  const parsed = parsePoolDefinitions([{ name: "linux", spec: "cpu=4", ...extra }]);
  if (!parsed.ok) throw new Error(parsed.issues.join("; "));
  return parsed.pools[0] as PoolDefinition;
}

let n = 0;
/** A pool member that changed state at `since` and last heartbeated at `beat`. */
function member(state: Instance["state"], since: string, more: Partial<Instance> = {}): Instance {
  return {
    instanceId: `i-${++n}`,
    jobId: null,
    pool: "linux",
    instanceType: "c7g.xlarge",
    market: "on-demand",
    region: "eu-west-1",
    az: null,
    env: "default",
    state,
    reason: null,
    launchedAt: "2026-01-01T00:00:00.000Z",
    updatedAt: since,
    lastHeartbeatAt: null,
    startedAt: null,
    terminatedAt: null,
    usdPerHour: null,
    version: 1,
    ...more,
  };
}
const hot = (since: string, beat: string) => member("standby", since, { lastHeartbeatAt: beat });
const kinds = (p: PlannedPool, members: Instance[], now: string) =>
  planPool(p, members, t(now)).actions.map((a) =>
    a.kind === "launch" ? `launch ${a.count}` : a.kind,
  );

describe("desiredSizes: schedules in their own time zones", () => {
  const berlin = pool({
    hot: 1,
    stopped: 2,
    schedules: [
      {
        cron: "0 8 * * 1-5",
        until: "0 19 * * 1-5",
        timezone: "Europe/Berlin",
        hot: 6,
        stopped: 10,
      },
      { cron: "0 0 * * 6", until: "0 0 * * 1", timezone: "UTC", hot: 0, stopped: 0 },
    ],
  });
  it.each([
    // Monday 30 Nov 2026, Berlin is UTC+1 in winter.
    ["2026-11-30T06:59:59.999Z", "base"],
    ["2026-11-30T07:00:00.000Z", "schedule:0"],
    ["2026-11-30T17:59:59.999Z", "schedule:0"],
    ["2026-11-30T18:00:00.000Z", "base"],
    // Summer time: 08:00 Berlin is 06:00 UTC.
    ["2026-06-01T06:00:00.000Z", "schedule:0"],
    ["2026-06-01T05:59:00.000Z", "base"],
    // The DST switch day (Sunday 29 March 2026) is a weekend: the weekend schedule applies.
    ["2026-03-29T01:30:00.000Z", "schedule:1"],
    // The Monday after the switch: 08:00 CEST is 06:00 UTC.
    ["2026-03-30T06:00:00.000Z", "schedule:0"],
    ["2026-11-28T12:00:00.000Z", "schedule:1"],
    ["2026-11-30T00:00:00.000Z", "base"],
  ])("at %s: %s", (now, from) => {
    expect(desiredSizes(berlin, t(now)).from).toBe(from);
  });

  it("later entries win where windows overlap; an override beats both until it expires", () => {
    const p = pool({
      schedules: [
        { cron: "0 0 * * *", until: "0 23 * * *", timezone: "UTC", hot: 3, stopped: 0 },
        { cron: "0 12 * * *", until: "0 13 * * *", timezone: "UTC", hot: 7, stopped: 1 },
      ],
    });
    expect(desiredSizes(p, t("2026-11-30T12:30:00Z"))).toEqual({
      hot: 7,
      stopped: 1,
      from: "schedule:1",
    });
    expect(desiredSizes(p, t("2026-11-30T13:30:00Z")).hot).toBe(3);
    const override = { hot: 9, stopped: 0, until: "2026-11-30T14:00:00Z" };
    expect(desiredSizes(p, t("2026-11-30T13:59:00Z"), override).from).toBe("override");
    expect(desiredSizes(p, t("2026-11-30T14:00:00Z"), override).from).toBe("schedule:0");
  });
});

describe("planPool", () => {
  const now = "2026-11-30T12:00:00.000Z";
  const recent = "2026-11-30T11:59:00.000Z";
  const beat = "2026-11-30T11:59:30.000Z";
  const longAgo = "2026-11-30T10:00:00.000Z";

  it.each<[string, Partial<PoolDefinition>, () => Instance[], string[]]>([
    ["an empty pool launches hot + stopped", { hot: 2, stopped: 1 }, () => [], ["launch 3"]],
    ["starting members count as hot", { hot: 1 }, () => [member("pending", recent)], []],
    [
      "a missing hot member comes from the stopped ones first",
      { hot: 1, stopped: 1 },
      () => [member("stopped", longAgo)],
      ["start", "launch 1"],
    ],
    [
      "a surplus ready hot member is stopped when stopped ones are missing",
      { hot: 1, stopped: 1 },
      () => [hot(recent, beat), hot(recent, beat)],
      ["stop"],
    ],
    [
      "a starting member is never stopped",
      { hot: 0, stopped: 1 },
      () => [member("pending", recent)],
      [],
    ],
    ["idle surplus within the timeout is kept", { hot: 0 }, () => [hot(recent, beat)], []],
    [
      "idle surplus past the timeout is ended",
      { hot: 0, idleTimeoutMinutes: 30 },
      () => [hot(longAgo, "2026-11-30T11:59:50.000Z"), member("stopped", longAgo)],
      ["terminate", "terminate"],
    ],
    [
      "a silent hot member is replaced",
      { hot: 1 },
      () => [hot(longAgo, "2026-11-30T10:30:00.000Z")],
      ["terminate", "launch 1"],
    ],
    [
      "an offline member and one that never became ready are replaced",
      { hot: 2 },
      () => [member("offline", recent), member("pending", longAgo)],
      ["terminate", "terminate", "launch 2"],
    ],
    [
      "busy members do not count as hot",
      { hot: 1 },
      () => [member("running", recent, { jobId: "7" })],
      ["launch 1"],
    ],
    [
      "max bounds launches, busy members included",
      { hot: 3, max: 3 },
      () => [member("running", recent, { jobId: "7" }), member("running", recent, { jobId: "8" })],
      ["launch 1"],
    ],
    [
      "members beyond max are ended at once",
      { hot: 1, max: 1 },
      () => [hot(recent, beat), member("running", recent, { jobId: "8" })],
      ["terminate"],
    ],
  ])("%s", (_, def, members, expected) => {
    expect(kinds({ definition: pool(def), health }, members(), now)).toEqual(expected);
  });

  it("ends the longest idle surplus first, and only the surplus", () => {
    const older = hot("2026-11-30T09:00:00.000Z", beat);
    const old = hot(longAgo, beat);
    const plan = planPool({ definition: pool({ hot: 1 }), health }, [old, older], t(now));
    expect(plan.actions).toEqual([
      expect.objectContaining({ kind: "terminate", instanceId: older.instanceId }),
    ]);
    expect(plan.actual).toMatchObject({ hot: 2, starting: 0 });
  });

  it("judges members that never ran a job (no signed heartbeats yet) by the provider", () => {
    const fresh = member("pending", "2026-11-30T11:58:00.000Z");
    const stale = member("pending", longAgo);
    const running = new Map([
      [fresh.instanceId, "running" as const],
      [stale.instanceId, "running" as const],
    ]);
    const def = pool({ hot: 1, stopped: 1 });
    const withView = planPool(
      { definition: def, health, provider: running },
      [fresh, stale],
      t(now),
    );
    // Both run at the provider: hot, so the longest idle is stopped to fill the stopped size.
    expect(withView.actual).toMatchObject({ hot: 2, starting: 0, unhealthy: 0 });
    expect(withView.actions).toEqual([
      expect.objectContaining({ kind: "stop", instanceId: stale.instanceId }),
    ]);
    // Without the provider's word they are only starting (and a stale one is replaced).
    const blind = planPool({ definition: def, health }, [fresh, stale], t(now));
    expect(blind.actual).toMatchObject({ hot: 0, starting: 1, unhealthy: 1 });
    // Gone at the provider past the boot grace: replaced.
    const gone = planPool(
      { definition: pool({ hot: 1 }), health, provider: new Map() },
      [stale],
      t(now),
    );
    expect(gone.actions.map((a) => a.reason)).toEqual([
      "pool linux: unhealthy (not running at the provider)",
      "pool linux: hot 0/1, stopped 0/0",
    ]);
  });

  it("plans nothing for a paused pool but still reports it", () => {
    const plan = planPool({ definition: pool({ hot: 2 }), health, paused: true }, [], t(now));
    expect(plan).toMatchObject({ desired: { hot: 2 }, actions: [] });
  });

  it("ignores other pools' instances", () => {
    expect(
      kinds(
        { definition: pool({ hot: 1 }), health },
        [{ ...hot(recent, beat), pool: "other" }],
        now,
      ),
    ).toEqual(["launch 1"]);
  });
});

describe("parsePoolDefinitions", () => {
  it("lists every problem at once", () => {
    const out = parsePoolDefinitions([
      { name: "bad name", spec: "cpu=4" },
      { name: "a", spec: "cpu=4", hot: 3, max: 2 },
      {
        name: "a",
        spec: "cpu=4",
        schedules: [
          { cron: "nope", until: "0 0 * * *", timezone: "Mars/Base", hot: 1, stopped: 0 },
        ],
      },
    ]);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.issues.join("\n")).toMatch(/pools\.0\.name/);
    expect(out.issues.join("\n")).toMatch(/cron/);
    expect(out.issues.join("\n")).toMatch(/time zone/);
  });

  it("reports sizes above max and duplicate names", () => {
    const out = parsePoolDefinitions([
      { name: "a", spec: "cpu=4", hot: 3, max: 2 },
      { name: "a", spec: "cpu=4" },
    ]);
    expect(out).toEqual({
      ok: false,
      issues: ["pools.0: hot + stopped (3) exceeds max (2)", 'pools.1.name: "a" is defined twice'],
    });
  });
});
