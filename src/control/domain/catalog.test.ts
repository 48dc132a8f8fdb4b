import { describe, expect, it } from "vitest";
import { type Catalog, type CatalogEntry, onDemandUsdPerHour, parseCatalog } from "./catalog.ts";
import { defaultCatalog } from "./catalog-default.ts";
import { ValidationError } from "./errors.ts";

const regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];
const memoryPerVcpu: Record<string, number> = { c: 2, m: 4, r: 8 };
const burstableSizes: Record<string, { vcpu: number; memoryGiB: number }> = {
  medium: { vcpu: 2, memoryGiB: 4 },
  large: { vcpu: 2, memoryGiB: 8 },
  xlarge: { vcpu: 4, memoryGiB: 16 },
  "2xlarge": { vcpu: 8, memoryGiB: 32 },
};

/** vCPUs of a size of a non-burstable family: large 2, xlarge 4, Nxlarge 4N. */
function vcpuOfSize(size: string): number {
  if (size === "large") return 2;
  if (size === "xlarge") return 4;
  const match = /^(\d+)xlarge$/.exec(size);
  if (match?.[1] === undefined) throw new Error(`unexpected size ${size}`);
  return 4 * Number(match[1]);
}

function entry(overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    instanceType: "c7g.large",
    family: "c7g",
    vcpu: 2,
    memoryGiB: 4,
    arch: "arm64",
    generation: 7,
    burstable: false,
    os: ["linux"],
    linuxUsdPerHour: { "us-east-1": 0.0725 },
    ...overrides,
  };
}

function catalog(types: CatalogEntry[]): Catalog {
  return {
    pricesAsOf: "test",
    fallbackRegion: "us-east-1",
    windowsLicenceUsdPerVcpuHour: 0.046,
    types,
  };
}

describe("the shipped catalog", () => {
  const families = new Set(defaultCatalog.types.map((e) => e.family));

  it("has the c/m/r families of generations 6–8 on both arches, and t3/t4g", () => {
    const wanted = ["c", "m", "r"].flatMap((cls) =>
      ["6g", "7g", "8g", "6i", "7i", "8i", "6a", "7a"].map((suffix) => `${cls}${suffix}`),
    );
    for (const family of [...wanted, "t3", "t4g"]) expect(families, family).toContain(family);
  });

  it("has sizes large to 16xlarge for every c/m/r family and medium for t3/t4g", () => {
    const types = new Set(defaultCatalog.types.map((e) => e.instanceType));
    for (const family of families) {
      const sizes = family.startsWith("t")
        ? ["medium", "large", "xlarge", "2xlarge"]
        : ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
      for (const size of sizes) expect(types, `${family}.${size}`).toContain(`${family}.${size}`);
    }
  });

  it.each(defaultCatalog.types.map((e) => [e.instanceType, e] as const))(
    "%s is consistent with its name",
    (name, e) => {
      const [family, size] = name.split(".") as [string, string];
      const match = /^([a-z]+)(\d+)([a-z]*)$/.exec(family);
      expect(match).not.toBeNull();
      const [, cls, generation, attributes] = match as unknown as [string, string, string, string];
      expect(e.family).toBe(family);
      expect(e.generation).toBe(Number(generation));
      // Graviton families carry a `g`; everything else here is Intel or AMD.
      expect(e.arch).toBe(attributes.includes("g") ? "arm64" : "amd64");
      expect(e.os).toEqual(e.arch === "amd64" ? ["linux", "windows"] : ["linux"]);
      expect(e.burstable).toBe(cls === "t");
      if (e.burstable) {
        expect({ vcpu: e.vcpu, memoryGiB: e.memoryGiB }).toEqual(burstableSizes[size]);
      } else {
        expect(e.vcpu).toBe(vcpuOfSize(size));
        expect(e.memoryGiB).toBe(e.vcpu * (memoryPerVcpu[cls] ?? Number.NaN));
      }
      expect(Object.keys(e.linuxUsdPerHour).sort()).toEqual([...regions].sort());
      for (const region of regions) {
        const price = e.linuxUsdPerHour[region] ?? 0;
        expect(price).toBeGreaterThan(0);
        // No region of these four is cheaper than us-east-1 for these families.
        expect(price).toBeGreaterThanOrEqual(e.linuxUsdPerHour["us-east-1"] ?? 0);
      }
    },
  );

  it("prices every size of a family in proportion to its memory, per region", () => {
    for (const family of families) {
      const members = defaultCatalog.types.filter((e) => e.family === family);
      for (const region of regions) {
        const perGiB = members.map((e) => (e.linuxUsdPerHour[region] ?? 0) / e.memoryGiB);
        const first = perGiB[0] ?? 0;
        for (const p of perGiB)
          expect(Math.abs(p - first) / first, `${family} ${region}`).toBeLessThan(1e-3);
      }
    }
  });

  it("reaches 192 vCPU and 1536 GiB, the most a label may ask for", () => {
    expect(Math.max(...defaultCatalog.types.map((e) => e.vcpu))).toBe(192);
    expect(Math.max(...defaultCatalog.types.map((e) => e.memoryGiB))).toBe(1536);
  });
});

describe("parseCatalog", () => {
  it("accepts a valid catalog", () => {
    expect(parseCatalog(catalog([entry()])).types).toHaveLength(1);
  });

  it("lists every schema problem with its path", () => {
    const bad = { ...catalog([entry({ vcpu: 0 })]), fallbackRegion: 3 };
    expect(() => parseCatalog(bad)).toThrow(ValidationError);
    try {
      parseCatalog(bad);
    } catch (err) {
      expect((err as ValidationError).issues).toHaveLength(2);
      expect((err as ValidationError).issues.join("\n")).toMatch(/fallbackRegion/);
      expect((err as ValidationError).issues.join("\n")).toMatch(/types\.0\.vcpu/);
    }
  });

  it("rejects duplicates, names that disagree with fields, and Windows on arm64", () => {
    const bad = catalog([
      entry(),
      entry(),
      entry({ instanceType: "m7g.large", generation: 7 }),
      entry({ instanceType: "c7g.xlarge", generation: 6 }),
      entry({ instanceType: "c7g.2xlarge", os: ["linux", "windows"] }),
    ]);
    try {
      parseCatalog(bad);
      expect.unreachable();
    } catch (err) {
      expect((err as ValidationError).issues).toEqual([
        "c7g.large: listed twice",
        "m7g.large: does not belong to family c7g",
        "c7g.xlarge: generation 6 disagrees with its name",
        "c7g.2xlarge: windows runs on amd64 only",
      ]);
    }
  });
});

describe("onDemandUsdPerHour", () => {
  const find = (type: string) => {
    const e = defaultCatalog.types.find((t) => t.instanceType === type);
    if (e === undefined) throw new Error(type);
    return e;
  };

  it("is the Linux list price in the region", () => {
    expect(onDemandUsdPerHour(defaultCatalog, find("c7g.xlarge"), "linux", "us-east-1")).toBe(
      0.145,
    );
    expect(onDemandUsdPerHour(defaultCatalog, find("m7i.large"), "linux", "us-east-1")).toBe(
      0.1008,
    );
  });

  it("adds the Windows licence per vCPU", () => {
    expect(onDemandUsdPerHour(defaultCatalog, find("m7i.xlarge"), "windows", "us-east-1")).toBe(
      0.3856,
    );
  });

  it("falls back to the fallback region's price for a region the catalog does not price", () => {
    const e = find("c7g.xlarge");
    expect(onDemandUsdPerHour(defaultCatalog, e, "linux", "sa-east-1")).toBe(0.145);
  });

  it("is null when neither the region nor the fallback is priced", () => {
    const c = catalog([entry({ linuxUsdPerHour: { "eu-west-1": 0.08 } })]);
    expect(onDemandUsdPerHour(c, c.types[0] as CatalogEntry, "linux", "ap-south-1")).toBeNull();
  });
});
