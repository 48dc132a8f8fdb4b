import { describe, expect, it } from "vitest";
import { copyData } from "./copy.ts";

describe("copyData", () => {
  it("copies nested objects and arrays deeply, values unchanged", () => {
    const record = {
      id: "1",
      n: 2,
      ok: true,
      none: null,
      unset: undefined,
      spec: { cpu: [2, 4], arch: "arm64" },
      candidates: [{ instanceType: "c8g.large", prices: { spot: 0.03 } }],
    };
    const copy = copyData(record);
    expect(copy).toEqual(record);
    expect(Object.keys(copy)).toEqual(Object.keys(record));
    expect(copy.spec).not.toBe(record.spec);
    expect(copy.spec.cpu).not.toBe(record.spec.cpu);
    expect(copy.candidates[0]).not.toBe(record.candidates[0]);
    expect(copy.candidates[0]?.prices).not.toBe(record.candidates[0]?.prices);
    copy.spec.cpu.push(8);
    copy.candidates[0]!.prices.spot = 1;
    expect(record.spec.cpu).toEqual([2, 4]);
    expect(record.candidates[0]?.prices.spot).toBe(0.03);
  });

  it("passes primitives through and clones what is not plain data", () => {
    expect(copyData(null)).toBeNull();
    expect(copyData("x")).toBe("x");
    const at = new Date(0);
    const copy = copyData({ at });
    expect(copy.at).toEqual(at);
    expect(copy.at).not.toBe(at);
  });
});
