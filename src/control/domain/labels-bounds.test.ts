import { describe, expect, it } from "vitest";
import { defaultCatalog } from "./catalog-default.ts";
import {
  clip,
  maxLabelBytes,
  oversizedLabels,
  shown,
  storedLabels,
  summariseErrors,
} from "./labels-bounds.ts";
import { type ExplainOptions, explainLabels, rejectionReason } from "./labels-explain.ts";

const options: ExplainOptions = {
  catalog: defaultCatalog,
  regions: ["us-east-1"],
  defaultRegion: "us-east-1",
  environments: ["default"],
};

function reasonFor(...labels: string[]): string {
  const result = explainLabels(labels, options);
  if (result.outcome !== "rejected") throw new Error(`expected a rejection: ${result.outcome}`);
  return rejectionReason(result.errors);
}

describe("clip and shown", () => {
  it("keeps short text and cuts long text, never inside a surrogate pair", () => {
    expect(clip("abc", 3)).toBe("abc");
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("ab😀cd", 4)).toBe("ab…");
    expect(shown("cpus")).toBe('"cpus"');
    expect(shown("x".repeat(1000))).toBe(`"${"x".repeat(63)}…" (1,000 characters)`);
  });
});

describe("rejection reasons stay bounded", () => {
  it("says a problem repeated once per empty part once, with how many more", () => {
    const reason = reasonFor(`runs-fleet${"/".repeat(2000)}`);
    expect(reason).toBe('empty part between "/" separators (and 1,999 more like it)');
  });

  it("does not echo a 64 KB value or key", () => {
    for (const label of [
      `runs-fleet/cpu=${"9".repeat(65536)}`,
      `runs-fleet/${"k".repeat(65536)}=1`,
      `runs-fleet/${"p".repeat(65536)}`,
      `runs-fleet/family=${"c7g+".repeat(16384)}zz`,
      `runs-fleet/region=${"r".repeat(65536)}`,
    ]) {
      expect(reasonFor(label).length).toBeLessThan(1000);
    }
    expect(reasonFor(`runs-fleet/cpu=${"9".repeat(65536)}`)).toMatch(
      /^cpu must be between 1 and 192 \(got "9{63}…" \(65,536 characters\)\)$/,
    );
  });

  it("names a few of many marker labels and counts the rest", () => {
    const labels = Array.from({ length: 500 }, (_, i) => `runs-fleet/cpu=${i}${"x".repeat(500)}`);
    const reason = reasonFor(...labels);
    expect(reason).toMatch(/more than one label carries the runs-fleet marker: .* and 497 more$/);
    expect(reason.length).toBeLessThan(1000);
  });

  it("lists a few distinct problems and counts the rest", () => {
    const parts = Array.from({ length: 50 }, (_, i) => `key${i}=1`).join("/");
    const reason = reasonFor(`runs-fleet/${parts}`);
    expect(reason.split("; ")).toHaveLength(9);
    expect(reason).toMatch(/; and 42 more problems$/);
  });

  it("keeps distinct short problems as they were", () => {
    expect(
      summariseErrors([
        { key: "cpu", message: "a" },
        { key: "ram", message: "b" },
      ]),
    ).toEqual([
      { key: "cpu", message: "a" },
      { key: "ram", message: "b" },
    ]);
  });
});

describe("labels a job record keeps", () => {
  it("keeps labels that fit as they are", () => {
    const labels = ["self-hosted", "runs-fleet/cpu=4", "x".repeat(maxLabelBytes - 30)];
    expect(oversizedLabels(labels)).toBeNull();
    expect(storedLabels(labels)).toEqual(labels);
  });

  it("says why oversized labels are refused and keeps a bounded few", () => {
    const labels = ["runs-fleet", ...Array.from({ length: 300 }, () => "y".repeat(1000))];
    expect(oversizedLabels(labels)).toBe(
      "labels are too large: 301 labels of 300,010 bytes in all (at most 16,384)",
    );
    const kept = storedLabels(labels);
    expect(kept).toHaveLength(9);
    expect(kept[0]).toBe("runs-fleet");
    expect(kept[1]).toHaveLength(256);
    expect(kept.at(-1)).toBe("… and 293 more labels");
    expect(JSON.stringify(kept).length).toBeLessThan(4000);
  });

  it("counts bytes, not characters", () => {
    expect(oversizedLabels(["é".repeat(maxLabelBytes / 2 + 1)])).not.toBeNull();
  });
});
