import { describe, expect, it } from "vitest";
import type { Catalog } from "./catalog.ts";
import { defaultCatalog } from "./catalog-default.ts";
import { defaultSpec } from "./labels-types.ts";
import { type Resolution, resolveCandidates } from "./resolve.ts";
import type { Candidate, Spec } from "./spec.ts";

const east = { region: "us-east-1" };

function resolve(
  overrides: Partial<Spec>,
  options: Parameters<typeof resolveCandidates>[2] = east,
) {
  return resolveCandidates({ ...defaultSpec(), ...overrides }, defaultCatalog, options);
}

function candidates(result: Resolution): Candidate[] {
  if (!result.ok) throw new Error(`expected candidates, got ${JSON.stringify(result.errors)}`);
  return result.candidates;
}

const types = (result: Resolution) => candidates(result).map((c) => c.instanceType);

describe("resolveCandidates", () => {
  it("resolves the bare marker to 2–4 vCPU types of the cheaper arch", () => {
    const result = resolve({});
    expect(result).toMatchObject({ ok: true, arch: "arm64" });
    expect(types(result)).toEqual([
      "c8g.large",
      "c7g.large",
      "m8g.large",
      "m7g.large",
      "r8g.large",
      "c8g.xlarge",
      "c7g.xlarge",
      "m8g.xlarge",
      "m7g.xlarge",
      "r8g.xlarge",
    ]);
  });

  it("puts c8g.xlarge first for cpu=4 on arm64", () => {
    const list = candidates(resolve({ cpu: { min: 4, max: 8 }, arch: "arm64" }));
    expect(list[0]).toEqual({
      instanceType: "c8g.xlarge",
      vcpu: 4,
      memoryGiB: 8,
      arch: "arm64",
      onDemandUsdPerHour: 0.15952,
    });
    expect(list.every((c) => c.vcpu >= 4 && c.vcpu <= 8 && c.arch === "arm64")).toBe(true);
  });

  it("pins the vCPU count and sets a memory floor for cpu=4+4/ram=16", () => {
    const list = candidates(resolve({ cpu: { min: 4, max: 4 }, ramGiB: { min: 16, max: null } }));
    expect(list.map((c) => c.instanceType)).toEqual(["m8g.xlarge", "m7g.xlarge", "r8g.xlarge"]);
    expect(list.every((c) => c.vcpu === 4 && c.memoryGiB >= 16)).toBe(true);
  });

  it("honours a memory ceiling", () => {
    const list = candidates(resolve({ cpu: { min: 2, max: 8 }, ramGiB: { min: 8, max: 16 } }));
    expect(list.every((c) => c.memoryGiB >= 8 && c.memoryGiB <= 16)).toBe(true);
    expect(list.length).toBeGreaterThan(0);
  });

  it("runs Windows on amd64 only, priced with the licence", () => {
    const result = resolve({ os: "windows", cpu: { min: 4, max: 8 } });
    expect(result).toMatchObject({ ok: true, arch: "amd64" });
    const c7i = candidates(result).find((c) => c.instanceType === "c7i.xlarge");
    expect(c7i?.onDemandUsdPerHour).toBe(0.3625);
    expect(candidates(result).every((c) => c.arch === "amd64")).toBe(true);
  });

  it("uses only the default families unless families are named", () => {
    const families = new Set(
      types(resolve({ cpu: { min: 2, max: 192 }, arch: "amd64" })).map((t) => t.split(".")[0]),
    );
    for (const f of families) expect(["c7i", "m7i", "c6i", "m6i", "c7a", "m7a"]).toContain(f);
    expect(types(resolve({ families: ["r6g", "c6i"], arch: "arm64" }))).toEqual([
      "r6g.large",
      "r6g.xlarge",
    ]);
  });

  it("offers burstable types only when their family is named", () => {
    expect(types(resolve({ cpu: { min: 2, max: 4 } })).some((t) => t.startsWith("t"))).toBe(false);
    expect(types(resolve({ families: ["t4g"] }))).toEqual([
      "t4g.medium",
      "t4g.large",
      "t4g.xlarge",
    ]);
    expect(types(resolve({ families: ["t3", "c7i"], arch: "amd64" }))).toEqual([
      "c7i.large",
      "t3.medium",
      "t3.large",
      "c7i.xlarge",
      "t3.xlarge",
    ]);
  });

  it("filters by generation within the default families", () => {
    expect(types(resolve({ gen: 7 }))).toEqual([
      "c7g.large",
      "m7g.large",
      "c7g.xlarge",
      "m7g.xlarge",
    ]);
    // No arm64 default family is generation 6, so the amd64 ones are the candidates.
    expect(resolve({ gen: 6 })).toMatchObject({ ok: true, arch: "amd64" });
  });

  it("caps the list at 20", () => {
    expect(candidates(resolve({ cpu: { min: 2, max: 192 } }))).toHaveLength(20);
  });

  it("prices in the job's region, falling back to us-east-1 for regions without prices", () => {
    const spec = { cpu: { min: 4, max: 4 }, families: ["c7g"] };
    expect(candidates(resolve(spec, { region: "ap-northeast-1" }))[0]?.onDemandUsdPerHour).toBe(
      0.18252,
    );
    expect(candidates(resolve(spec, { region: "sa-east-1" }))[0]?.onDemandUsdPerHour).toBe(0.145);
  });
});

describe("choosing the arch", () => {
  it("takes the arch whose cheapest candidate is cheaper on demand", () => {
    expect(resolve({ families: ["c7g", "c6a"] })).toMatchObject({ arch: "arm64" });
    expect(resolve({ families: ["c7a", "c6a", "r8g"] })).toMatchObject({ arch: "amd64" });
  });

  it("uses spot prices when known and spot is wanted", () => {
    const spotPrices = { "c7i.large": 0.02, "c8g.large": 0.03 };
    expect(resolve({}, { ...east, spotPrices })).toMatchObject({ arch: "amd64" });
    expect(resolve({ spot: false }, { ...east, spotPrices })).toMatchObject({ arch: "arm64" });
  });

  it("ranks by spot price among types of one shape and generation", () => {
    const spotPrices = { "c7i.large": 0.05, "c7a.large": 0.01 };
    const list = types(resolve({ arch: "amd64" }, { ...east, spotPrices }));
    expect(list.indexOf("c7a.large")).toBeLessThan(list.indexOf("c7i.large"));
    expect(types(resolve({ arch: "amd64" })).indexOf("c7i.large")).toBeLessThan(
      types(resolve({ arch: "amd64" })).indexOf("c7a.large"),
    );
  });

  it("keeps the label's arch even when the other is cheaper", () => {
    expect(resolve({ arch: "amd64" })).toMatchObject({ ok: true, arch: "amd64" });
  });

  it("prefers arm64 when prices tie or are unknown", () => {
    const unpriced: Catalog = {
      ...defaultCatalog,
      types: defaultCatalog.types.map((e) => ({ ...e, linuxUsdPerHour: {} })),
    };
    const result = resolveCandidates(defaultSpec(), unpriced, east);
    expect(result).toMatchObject({ ok: true, arch: "arm64" });
    expect(candidates(result)[0]?.onDemandUsdPerHour).toBeNull();
  });
});

describe("a spec nothing satisfies", () => {
  it("names the vCPU count and the largest there is", () => {
    expect(resolve({ cpu: { min: 4096, max: 8192 } })).toEqual({
      ok: false,
      errors: [{ key: "cpu", message: "no instance type has 4096 vCPU (largest: 192)" }],
    });
    expect(resolve({ families: ["t3"], cpu: { min: 16, max: 32 } })).toEqual({
      ok: false,
      errors: [
        { key: "cpu", message: "no amd64 instance type in family=t3 has 16 vCPU (largest: 8)" },
      ],
    });
  });

  it("names the closest sizes when the range falls between them", () => {
    expect(resolve({ cpu: { min: 5, max: 7 } })).toEqual({
      ok: false,
      errors: [
        { key: "cpu", message: "no instance type has between 5 and 7 vCPU (closest: 4, 8)" },
      ],
    });
  });

  it("names the memory asked for and the most on offer at that vCPU count", () => {
    expect(resolve({ ramGiB: { min: 1000, max: null } })).toEqual({
      ok: false,
      errors: [
        {
          key: "ram",
          message: "no instance type with 2–4 vCPU has 1000 GiB memory (largest: 32 GiB)",
        },
      ],
    });
    expect(
      resolve({ cpu: { min: 4, max: 4 }, ramGiB: { min: 9, max: 15 }, arch: "arm64" }),
    ).toEqual({
      ok: false,
      errors: [
        {
          key: "ram",
          message:
            "no arm64 instance type with 4 vCPU has between 9 and 15 GiB memory (closest: 8, 16 GiB)",
        },
      ],
    });
  });

  it("names families of the other arch", () => {
    expect(resolve({ families: ["c7g", "m7g"], arch: "amd64" })).toEqual({
      ok: false,
      errors: [
        {
          key: "family",
          message: "no amd64 instance type in family=c7g+m7g (c7g: arm64, m7g: arm64)",
        },
      ],
    });
  });

  it("names families that cannot run Windows", () => {
    expect(resolve({ families: ["c7g"], os: "windows" })).toEqual({
      ok: false,
      errors: [
        {
          key: "os",
          message: "no arm64 instance type in family=c7g runs windows (windows runs on amd64 only)",
        },
      ],
    });
  });

  it("says which families have the generation when the defaults do not", () => {
    expect(resolve({ gen: 6, arch: "arm64" })).toEqual({
      ok: false,
      errors: [
        {
          key: "gen",
          message:
            "no default family (c8g, m8g, r8g, c7g, m7g) is generation 6; name families with family=, e.g. family=c6g+m6g+r6g",
        },
      ],
    });
    expect(resolve({ gen: 5 })).toMatchObject({
      ok: false,
      errors: [
        {
          key: "gen",
          message: expect.stringMatching(/the catalog has no family of that generation$/),
        },
      ],
    });
    expect(resolve({ gen: 8, families: ["c7g"] })).toEqual({
      ok: false,
      errors: [{ key: "gen", message: "no family in family=c7g is generation 8" }],
    });
  });
});
