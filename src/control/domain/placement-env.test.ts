import { describe, expect, it } from "vitest";
import { defaultSpec } from "./labels-types.ts";
import { place } from "./placement.ts";
import type { PlacementConfig } from "./placement-config.ts";

const t = (name: string) => ({ name, version: "$Default" });
const config: PlacementConfig = {
  region: "us-east-1",
  launchTemplates: {
    "linux-arm64@dev": t("runs-fleet-linux-arm64-dev"),
    "linux-arm64@prod": t("runs-fleet-linux-arm64-prod"),
  },
  subnets: {
    dev: [{ subnetId: "subnet-dev-a", az: "us-east-1a" }],
    prod: [{ subnetId: "subnet-prod-a", az: "us-east-1a" }],
  },
  regions: {},
  defaultDiskGiB: { linux: 40, windows: 80 },
  maxInstanceTypes: 20,
  maxOverrides: 60,
};
const candidates = [
  {
    instanceType: "c7g.large",
    vcpu: 2,
    memoryGiB: 4,
    arch: "arm64" as const,
    onDemandUsdPerHour: null,
  },
];
const placeEnv = (env: string) =>
  place({
    spec: { ...defaultSpec(), arch: "arm64", env },
    candidates,
    circuits: new Map(),
    forceOnDemand: false,
    now: 0,
    config,
  });

describe("placement keeps environments apart", () => {
  it.each([
    ["dev", "runs-fleet-linux-arm64-dev", "subnet-dev-a"],
    ["prod", "runs-fleet-linux-arm64-prod", "subnet-prod-a"],
  ])("an env=%s job uses its own template and subnets only", (env, template, subnet) => {
    const r = placeEnv(env);
    if (!r.ok) throw new Error(r.reason);
    expect(r.placement.env).toBe(env);
    expect(r.placement.launchTemplate.name).toBe(template);
    expect(r.placement.subnets.map((s) => s.subnetId)).toEqual([subnet]);
  });

  it("an environment with no subnets of its own launches nowhere, never in another's", () => {
    const r = placeEnv("staging");
    expect(r).toEqual({
      ok: false,
      reason: "no launch template for linux-arm64 (env staging, us-east-1)",
    });
    const withTemplate = {
      ...config,
      launchTemplates: { ...config.launchTemplates, "linux-arm64": t("shared") },
    };
    const shared = place({
      spec: { ...defaultSpec(), arch: "arm64", env: "staging" },
      candidates,
      circuits: new Map(),
      forceOnDemand: false,
      now: 0,
      config: withTemplate,
    });
    expect(shared).toEqual({ ok: false, reason: "no subnets for env staging in us-east-1" });
  });
});
