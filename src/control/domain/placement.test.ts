import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../adapters/clock.ts";
import { type CircuitState, closedCircuit } from "./circuit.ts";
import { defaultSpec } from "./labels-types.ts";
import { onDemandPlacement, type PlacementInput, place, probePlacement } from "./placement.ts";
import { type PlacementConfig, PlacementConfigSchema } from "./placement-config.ts";
import type { Candidate, Spec } from "./spec.ts";

const min = 60_000;
const clock = fixedClock(Date.UTC(2025, 0, 1));
const now = clock.now();

const config: PlacementConfig = v.parse(PlacementConfigSchema, {
  region: "us-east-1",
  launchTemplates: {
    "linux-arm64": { name: "runs-fleet-linux-arm64" },
    "linux-amd64": { id: "lt-amd64", version: "3" },
    "linux-amd64@staging": { id: "lt-amd64-staging" },
    "windows-amd64": { name: "runs-fleet-windows", rootDeviceName: "/dev/sda1" },
  },
  subnets: {
    default: [
      { subnetId: "subnet-a1", az: "us-east-1a" },
      { subnetId: "subnet-a2", az: "us-east-1a" },
      { subnetId: "subnet-b", az: "us-east-1b" },
      { subnetId: "subnet-c", az: "us-east-1c" },
    ],
    staging: [{ subnetId: "subnet-s", az: "us-east-1a" }],
  },
  regions: {
    "eu-west-1": {
      launchTemplates: { "linux-arm64": { name: "eu-arm" } },
      subnets: { default: [{ subnetId: "subnet-eu", az: "eu-west-1a" }] },
    },
  },
});

/** A bare `runs-fleet` label's spec, on arm64. */
const spec: Spec = { ...defaultSpec(), arch: "arm64" };

const cand = (instanceType: string, arch: "arm64" | "amd64" = "arm64"): Candidate => ({
  instanceType,
  vcpu: 2,
  memoryGiB: 4,
  arch,
  onDemandUsdPerHour: 0.1,
});
const armTypes = ["c8g.large", "c7g.large", "m8g.large", "m7g.large"];

function input(patch: Partial<PlacementInput> = {}): PlacementInput {
  return {
    spec,
    candidates: armTypes.map((t) => cand(t)),
    circuits: new Map(),
    forceOnDemand: false,
    now,
    config,
    ...patch,
  };
}
function placed(patch: Partial<PlacementInput> = {}) {
  const r = place(input(patch));
  if (!r.ok) throw new Error(r.reason);
  return r.placement;
}

const openCircuit = (t: string, openedAt = now - min): CircuitState => ({
  ...closedCircuit(t),
  state: "open",
  interruptions: [openedAt],
  openedAt,
  resetAt: openedAt + 30 * min,
  version: 3,
});
const circuits = (...states: CircuitState[]) => new Map(states.map((s) => [s.instanceType, s]));

describe("place", () => {
  it("goes spot on every candidate, one subnet per AZ, with the arch's template", () => {
    const p = placed();
    expect(p).toMatchObject({
      market: "spot",
      onDemandReason: null,
      region: "us-east-1",
      arch: "arm64",
      instanceTypes: armTypes,
      excludedTypes: [],
      launchTemplate: { name: "runs-fleet-linux-arm64", version: "$Default" },
      diskGiB: 40,
      probe: null,
    });
    expect(p.subnets.map((s) => s.subnetId)).toEqual(["subnet-a1", "subnet-b", "subnet-c"]);
  });

  it.each([
    ["forced", { forceOnDemand: true }],
    ["spot=false", { spec: { ...spec, spot: false } }],
    ["pool", { spec: { ...spec, pool: "big" } }],
  ] as const)("goes on-demand for reason %s, circuits notwithstanding", (reason, patch) => {
    const p = placed({ ...patch, circuits: circuits(openCircuit("c8g.large")) });
    expect(p).toMatchObject({ market: "on-demand", onDemandReason: reason, probe: null });
    expect(p.instanceTypes).toEqual(armTypes);
  });

  it("drops every candidate whose circuit is open, not only the primary", () => {
    const p = placed({ circuits: circuits(openCircuit("c8g.large"), openCircuit("m8g.large")) });
    expect(p.market).toBe("spot");
    expect(p.instanceTypes).toEqual(["c7g.large", "m7g.large"]);
    expect(p.excludedTypes).toEqual(["c8g.large", "m8g.large"]);
  });

  it("goes on-demand with every candidate when every circuit is open", () => {
    const p = placed({ circuits: circuits(...armTypes.map((t) => openCircuit(t))) });
    expect(p).toMatchObject({
      market: "on-demand",
      onDemandReason: "circuits-open",
      instanceTypes: armTypes,
      probe: null,
    });
  });

  it("offers a half-open type as a probe once the cooldown is over, and only then", () => {
    const all = circuits(...armTypes.map((t) => openCircuit(t, now - 31 * min)));
    const p = placed({ circuits: all });
    expect(p).toMatchObject({ market: "on-demand", onDemandReason: "circuits-open" });
    expect(p.probe).toBe("c8g.large");
    const probe = probePlacement(p, "c8g.large");
    expect(probe).toMatchObject({ market: "spot", instanceTypes: ["c8g.large"], probe: null });
    expect(probe.placementKey).not.toBe(placed().placementKey);

    const inFlight = circuits(
      ...armTypes.map((t) => ({
        ...openCircuit(t, now - 31 * min),
        state: "half-open" as const,
        probeStartedAt: now - min,
      })),
    );
    expect(placed({ circuits: inFlight }).probe).toBeNull();
  });

  it("keeps a half-open type out of ordinary spot requests while others are closed", () => {
    const p = placed({ circuits: circuits(openCircuit("c7g.large", now - 40 * min)) });
    expect(p.market).toBe("spot");
    expect(p.instanceTypes).not.toContain("c7g.large");
    expect(p.probe).toBe("c7g.large");
  });

  it("picks the env's template and subnets, and the label's disk", () => {
    const p = placed({
      spec: { ...spec, arch: "amd64", env: "staging", diskGiB: 200 },
      candidates: [cand("c7i.large", "amd64")],
    });
    expect(p.launchTemplate).toEqual({ id: "lt-amd64-staging", version: "$Default" });
    expect(p.subnets).toEqual([{ subnetId: "subnet-s", az: "us-east-1a" }]);
    expect(p.diskGiB).toBe(200);
  });

  it("falls back to the plain template, windows disk default, and another region", () => {
    const win = placed({
      spec: { ...spec, os: "windows", arch: "amd64" },
      candidates: [cand("m7i.large", "amd64")],
    });
    expect(win.launchTemplate.name).toBe("runs-fleet-windows");
    expect(win.diskGiB).toBe(80);
    const eu = placed({ spec: { ...spec, region: "eu-west-1" } });
    expect(eu).toMatchObject({ region: "eu-west-1", launchTemplate: { name: "eu-arm" } });
  });

  it("takes the arch from the candidates when the label names none", () => {
    const p = placed({ spec: { ...spec, arch: null }, candidates: [cand("c7i.large", "amd64")] });
    expect(p.arch).toBe("amd64");
    expect(p.launchTemplate.id).toBe("lt-amd64");
  });

  it("caps types so that types × subnets stays within the override limit", () => {
    const many = Array.from({ length: 30 }, (_, i) => cand(`t${i}.large`));
    expect(placed({ candidates: many }).instanceTypes).toHaveLength(20);
    const tight = { ...config, maxOverrides: 9 };
    expect(placed({ candidates: many, config: tight }).instanceTypes).toHaveLength(3);
  });

  it.each([
    ["no candidates", { candidates: [] }, "no candidate"],
    ["unknown region", { spec: { ...spec, region: "ap-south-1" } }, "region ap-south-1"],
    ["no template", { spec: { ...spec, os: "windows" as const } }, "windows-arm64"],
    ["no subnets", { spec: { ...spec, env: "prod" } }, "no subnets for env prod"],
  ])("refuses with a reason: %s", (_name, patch, reason) => {
    const r = place(input(patch));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it("gives equal keys to equal requests and different keys otherwise", () => {
    expect(placed().placementKey).toBe(placed().placementKey);
    expect(placed().placementKey).not.toBe(placed({ forceOnDemand: true }).placementKey);
    expect(placed().placementKey).not.toBe(placed({ spec: { ...spec, diskGiB: 41 } }).placementKey);
    const od = onDemandPlacement(placed(), "capacity");
    expect(od).toMatchObject({ market: "on-demand", onDemandReason: "capacity" });
    expect(od.placementKey).toBe(placed({ spec: { ...spec, spot: false } }).placementKey);
  });

  it("rejects a launch template with both id and name in the config", () => {
    const bad = { ...config, launchTemplates: { "linux-arm64": { id: "a", name: "b" } } };
    expect(v.safeParse(PlacementConfigSchema, bad).success).toBe(false);
  });
});
