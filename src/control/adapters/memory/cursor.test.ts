import { describe, expect, it } from "vitest";
import { decodeKey, encodeKey, maxKeyPartChars } from "./cursor.ts";

const forge = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

describe("memory page cursors", () => {
  it("round-trip the key they were made from, whatever its characters", () => {
    const key = ["2026-01-01T00:00:00.000Z", "job-é-😀"];
    expect(decodeKey(encodeKey(key), 2)).toEqual(key);
  });

  it("refuse garbage, the wrong shape and oversized parts", () => {
    expect(decodeKey("%%%", 2)).toBeUndefined();
    expect(decodeKey(forge({ a: "b" }), 2)).toBeUndefined();
    expect(decodeKey(forge(["a"]), 2)).toBeUndefined();
    expect(decodeKey(forge(["a", 1]), 2)).toBeUndefined();
    expect(decodeKey(forge(["a", "x".repeat(maxKeyPartChars + 1)]), 2)).toBeUndefined();
    expect(decodeKey("A".repeat(1_000_000), 2)).toBeUndefined();
  });
});
