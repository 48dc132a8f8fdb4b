import { describe, expect, it } from "vitest";
import { explainCommand } from "./explain.ts";

// In process: what `runs-fleet explain` prints for labels built to flood it.
describe("runs-fleet explain on hostile labels", () => {
  const slashes = `runs-fleet${"/".repeat(2000)}`;

  it("prints a bounded message for 2,000 slashes, the repeated problem said once", () => {
    const out = explainCommand([slashes], { json: false, region: undefined });
    expect(out.exitCode).toBe(2);
    expect(out.stderr.length).toBeLessThan(600);
    expect(out.stderr).toMatch(/^rejected: runs-fleet\/+…\n/);
    expect(out.stderr).toContain('empty part between "/" separators (and 1,999 more like it)');
  });

  it("keeps --json bounded too", () => {
    const out = explainCommand([slashes], { json: true, region: undefined });
    const body = JSON.parse(out.stdout) as { ok: boolean; errors: unknown[] };
    expect(body.ok).toBe(false);
    expect(body.errors).toHaveLength(1);
    expect(out.stdout.length).toBeLessThan(600);
  });

  it("does not echo a 64 KB value", () => {
    const out = explainCommand([`runs-fleet/disk=${"7".repeat(65536)}`], {
      json: false,
      region: undefined,
    });
    expect(out.stderr.length).toBeLessThan(600);
    expect(out.stderr).toMatch(/65,536 characters/);
  });
});
