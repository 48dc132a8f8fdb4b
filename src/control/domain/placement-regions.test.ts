import { describe, expect, it } from "vitest";
import { circuitKey, parseCircuitKey, regionCircuitKey } from "./circuit-key.ts";
import type { PlacementConfig } from "./placement-config.ts";
import { chooseRegion, configuredRegions } from "./placement-regions.ts";

const region = { launchTemplates: {}, subnets: {} };
const config = {
  region: "us-east-1",
  ...region,
  regions: { "eu-west-1": region, "us-west-2": region },
  defaultDiskGiB: { linux: 40, windows: 80 },
  maxInstanceTypes: 20,
  maxOverrides: 60,
} satisfies PlacementConfig;
const down = (...rs: string[]) => new Map(rs.map((r) => [r, "no capacity"]));

describe("chooseRegion", () => {
  it("orders regions home first, then as configured", () => {
    expect(configuredRegions(config)).toEqual(["us-east-1", "eu-west-1", "us-west-2"]);
  });

  it("an unpinned job takes the home region while it can launch", () => {
    expect(chooseRegion(null, config, down())).toEqual({
      ok: true,
      region: "us-east-1",
      failedOver: false,
    });
  });

  it("an unpinned job fails over to the next region that can launch", () => {
    expect(chooseRegion(null, config, down("us-east-1"))).toMatchObject({
      region: "eu-west-1",
      failedOver: true,
    });
    expect(chooseRegion(null, config, down("us-east-1", "eu-west-1"))).toMatchObject({
      region: "us-west-2",
    });
  });

  it("with every region down, an unpinned job waits and names each region's reason", () => {
    const r = chooseRegion(null, config, down("us-east-1", "eu-west-1", "us-west-2"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain("us-west-2: no capacity");
  });

  it("a pinned job never fails over: it waits, saying why", () => {
    const r = chooseRegion("eu-west-1", config, down("eu-west-1"));
    expect(r).toEqual({
      ok: false,
      reason:
        "region eu-west-1 cannot launch now (no capacity); the label pins region=eu-west-1, so the job waits for it",
    });
    expect(chooseRegion("eu-west-1", config, down("us-east-1"))).toMatchObject({
      region: "eu-west-1",
      failedOver: false,
    });
  });
});

describe("circuit keys", () => {
  it("keep the bare type in the home region, so records stored before regions stay valid", () => {
    expect(circuitKey("c7g.large", "us-east-1", "us-east-1")).toBe("c7g.large");
    expect(parseCircuitKey("c7g.large", "us-east-1")).toEqual({
      region: "us-east-1",
      instanceType: "c7g.large",
    });
  });

  it("name the region elsewhere, and a region's own circuit apart from any type", () => {
    const key = circuitKey("c7g.large", "eu-west-1", "us-east-1");
    expect(key).toBe("c7g.large@eu-west-1");
    expect(parseCircuitKey(key, "us-east-1")).toEqual({
      region: "eu-west-1",
      instanceType: "c7g.large",
    });
    expect(parseCircuitKey(regionCircuitKey("eu-west-1"), "us-east-1")).toEqual({
      region: "eu-west-1",
      instanceType: null,
    });
  });
});
