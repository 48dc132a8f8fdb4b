import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { catalogFamilies } from "./catalog.ts";
import { defaultCatalog } from "./catalog-default.ts";
import { explainLabels } from "./labels-explain.ts";
import { parseLabels } from "./labels-parse.ts";
import { specToLabel } from "./labels-serialise.ts";
import type { LabelOptions } from "./labels-types.ts";
import { labelKeys } from "./labels-values.ts";
import { defaultFamilies, maxCandidates, resolveCandidates } from "./resolve.ts";
import type { Spec } from "./spec.ts";

const options: LabelOptions = {
  catalog: defaultCatalog,
  regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"],
  defaultRegion: "us-east-1",
  environments: ["default", "prod", "ci-2"],
};
const families = catalogFamilies(defaultCatalog);
const byType = new Map(defaultCatalog.types.map((e) => [e.instanceType, e]));

const cpuArb = fc.integer({ min: 1, max: 192 }).chain((min) =>
  fc.oneof(
    fc.constant({ min, max: min * 2 }),
    fc.integer({ min, max: 192 }).map((max) => ({ min, max })),
  ),
);
const ramArb = fc.option(
  fc.double({ min: 0.5, max: 1536, noNaN: true }).chain((min) =>
    fc.record({
      min: fc.constant(min),
      max: fc.option(fc.double({ min, max: 1536, noNaN: true })),
    }),
  ),
);
const platformArb = fc.oneof(
  fc.record({
    os: fc.constant("linux" as const),
    arch: fc.constantFrom(null, "arm64" as const, "amd64" as const),
  }),
  fc.record({ os: fc.constant("windows" as const), arch: fc.constantFrom(null, "amd64" as const) }),
);

/** Any spec a label can express. */
const specArb: fc.Arbitrary<Spec> = fc
  .record({
    cpu: cpuArb,
    ramGiB: ramArb,
    platform: platformArb,
    families: fc.option(
      fc.uniqueArray(fc.constantFrom(...families), { minLength: 1, maxLength: 4 }),
    ),
    gen: fc.option(fc.integer({ min: 1, max: 10 })),
    diskGiB: fc.option(fc.integer({ min: 1, max: 16384 })),
    pool: fc.option(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/)),
    spot: fc.boolean(),
    region: fc.option(fc.constantFrom(...options.regions)),
    env: fc.constantFrom(...options.environments),
    retry: fc.constantFrom("when-interrupted" as const, "false" as const),
    priority: fc.constantFrom("low" as const, "normal" as const, "high" as const),
    debug: fc.option(fc.integer({ min: 1, max: 120 })),
  })
  // debug= and pool= never go together (a pool instance serves further jobs).
  .map(({ platform, debug, ...rest }) => ({
    ...rest,
    ...platform,
    debugMinutes: rest.pool === null ? debug : null,
  }));

const rarely = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: arb, weight: 1 });

/** Specs with shapes the catalog mostly has, so that most of them resolve. */
const likelySpecArb: fc.Arbitrary<Spec> = fc
  .record({
    cpu: fc
      .constantFrom(1, 2, 3, 4, 6, 8, 16, 32, 48, 64, 96)
      .chain((min) =>
        fc.integer({ min, max: Math.min(192, min * 4) }).map((max) => ({ min, max })),
      ),
    ram: rarely(fc.integer({ min: 1, max: 64 }).map((min) => ({ min, max: null }))),
    families: rarely(fc.uniqueArray(fc.constantFrom(...families), { minLength: 1, maxLength: 6 })),
    gen: rarely(fc.integer({ min: 6, max: 8 })),
  })
  .chain(({ ram, ...picked }) => specArb.map((spec) => ({ ...spec, ...picked, ramGiB: ram })));

describe("label properties", () => {
  it("every spec survives a trip through its label", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const result = parseLabels([specToLabel(spec)], options);
        expect(result).toMatchObject({ outcome: "parsed" });
        if (result.outcome === "parsed") expect(result.spec).toEqual(spec);
      }),
    );
  });

  it("never throws, whatever the labels", () => {
    const keyish = fc.oneof(fc.constantFrom(...labelKeys), fc.string({ maxLength: 8 }));
    const part = fc.tuple(keyish, fc.string({ maxLength: 12 })).map(([k, v]) => `${k}=${v}`);
    const marked = fc
      .array(fc.oneof(part, fc.string({ maxLength: 10 })), { maxLength: 6 })
      .map((parts) => ["runs-fleet", ...parts].join("/"));
    const labels = fc.array(fc.oneof(marked, fc.string(), fc.string({ unit: "binary" })), {
      maxLength: 4,
    });
    fc.assert(
      fc.property(labels, (ls) => {
        const parsed = parseLabels(ls, options);
        expect(["parsed", "rejected", "not-ours"]).toContain(parsed.outcome);
        if (parsed.outcome === "rejected") expect(parsed.errors.length).toBeGreaterThan(0);
        const explained = explainLabels(ls, options);
        expect(["accepted", "rejected", "not-ours"]).toContain(explained.outcome);
      }),
      { numRuns: 500 },
    );
  });

  it("a parsed cpu range always has MIN ≤ MAX, both at least 1", () => {
    // No "/" in the value: that would start another key=value part.
    const text = fc.string({ maxLength: 4 }).filter((s) => !s.includes("/"));
    const n = fc.oneof(fc.integer({ min: -5, max: 300 }).map(String), text);
    const value = fc.oneof(
      n,
      fc.tuple(n, n).map(([a, b]) => `${a}+${b}`),
    );
    fc.assert(
      fc.property(value, (v) => {
        const result = parseLabels([`runs-fleet/cpu=${v}`], options);
        if (result.outcome === "parsed") {
          expect(result.spec.cpu.min).toBeGreaterThanOrEqual(1);
          expect(result.spec.cpu.min).toBeLessThanOrEqual(result.spec.cpu.max);
        } else {
          expect(result).toMatchObject({ outcome: "rejected", errors: [{ key: "cpu" }] });
        }
      }),
    );
  });

  it("enum values and families mean the same in any letter case", () => {
    const pairs = fc.constantFrom(
      ["arch", "arm64"],
      ["arch", "aarch64"],
      ["arch", "x86_64"],
      ["os", "windows"],
      ["spot", "false"],
      ["retry", "when-interrupted"],
      ["priority", "high"],
      ["region", "eu-west-1"],
      ["env", "prod"],
      ["family", "c7g+m7i"],
    );
    const cased = pairs.chain(([key, value]) =>
      fc.mixedCase(fc.constant(value)).map((mixed) => [key, value, mixed] as const),
    );
    fc.assert(
      fc.property(cased, ([key, value, mixed]) => {
        const lower = parseLabels([`runs-fleet/${key}=${value}`], options);
        expect(parseLabels([`runs-fleet/${key}=${mixed}`], options)).toEqual({
          ...lower,
          label: `runs-fleet/${key}=${mixed}`,
        });
      }),
    );
  });
});

describe("candidate properties", () => {
  const spotArb = fc.option(
    fc.dictionary(
      fc.constantFrom(...byType.keys()),
      fc.double({ min: 0.001, max: 20, noNaN: true }),
    ),
  );
  const regionArb = fc.constantFrom(...options.regions, "sa-east-1");

  it("are few, of one arch, satisfy the spec, and come in order", () => {
    let resolved = 0;
    fc.assert(
      fc.property(fc.oneof(specArb, likelySpecArb), spotArb, regionArb, (spec, spot, region) => {
        const spotPrices = spot ?? undefined;
        const result = resolveCandidates(spec, defaultCatalog, {
          region,
          ...(spotPrices === undefined ? {} : { spotPrices }),
        });
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          return;
        }
        resolved++;
        const list = result.candidates;
        expect(list.length).toBeGreaterThan(0);
        expect(list.length).toBeLessThanOrEqual(maxCandidates);
        if (spec.arch !== null) expect(result.arch).toBe(spec.arch);
        const price = (type: string, onDemand: number | null) =>
          (spec.spot ? spotPrices?.[type] : undefined) ?? onDemand ?? Number.POSITIVE_INFINITY;
        const entries = list.map((c) => {
          const e = byType.get(c.instanceType);
          if (e === undefined) throw new Error(c.instanceType);
          expect(c.arch).toBe(result.arch);
          expect(c.vcpu).toBeGreaterThanOrEqual(spec.cpu.min);
          expect(c.vcpu).toBeLessThanOrEqual(spec.cpu.max);
          if (spec.ramGiB !== null) {
            expect(c.memoryGiB).toBeGreaterThanOrEqual(spec.ramGiB.min);
            if (spec.ramGiB.max !== null) expect(c.memoryGiB).toBeLessThanOrEqual(spec.ramGiB.max);
          }
          expect(e.os).toContain(spec.os);
          if (spec.gen !== null) expect(e.generation).toBe(spec.gen);
          expect(spec.families ?? defaultFamilies[e.arch]).toContain(e.family);
          return { ...e, price: price(c.instanceType, c.onDemandUsdPerHour) };
        });
        for (let i = 1; i < entries.length; i++) {
          const [a, b] = [entries[i - 1], entries[i]] as [(typeof entries)[0], (typeof entries)[0]];
          const key = (e: typeof a) => [e.vcpu, e.memoryGiB, -e.generation, e.price];
          const [ka, kb] = [key(a), key(b)];
          const firstDiff = ka.findIndex((x, j) => x !== kb[j]);
          if (firstDiff >= 0) expect(ka[firstDiff]).toBeLessThan(kb[firstDiff] as number);
        }
        if (spec.arch === null) {
          // The other arch, had it been asked for, would not have been cheaper.
          const other = result.arch === "arm64" ? "amd64" : "arm64";
          if (spec.os === "windows" && other === "arm64") return;
          const alt = resolveCandidates({ ...spec, arch: other }, defaultCatalog, {
            region,
            ...(spotPrices === undefined ? {} : { spotPrices }),
          });
          if (!alt.ok) return;
          const cheapest = (cs: typeof list) =>
            Math.min(...cs.map((c) => price(c.instanceType, c.onDemandUsdPerHour)));
          expect(cheapest(list)).toBeLessThanOrEqual(cheapest(alt.candidates));
        }
      }),
      { numRuns: 300 },
    );
    // Most random specs are unsatisfiable; make sure enough were not for the checks to mean much.
    expect(resolved).toBeGreaterThan(50);
  });
});
