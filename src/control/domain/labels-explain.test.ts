import { describe, expect, it } from "vitest";
import { compileAliases } from "./aliases.ts";
import { defaultCatalog } from "./catalog-default.ts";
import { type ExplainOptions, explainLabels, rejectionReason } from "./labels-explain.ts";
import { defaultSpec } from "./labels-types.ts";

const options: ExplainOptions = {
  catalog: defaultCatalog,
  regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"],
  defaultRegion: "us-east-1",
  environments: ["default"],
};

const explain = (...labels: string[]) => explainLabels(labels, options);

function accepted(...labels: string[]) {
  const result = explain(...labels);
  if (result.outcome !== "accepted")
    throw new Error(`expected acceptance: ${JSON.stringify(result)}`);
  return result;
}

function rejected(...labels: string[]) {
  const result = explain(...labels);
  if (result.outcome !== "rejected")
    throw new Error(`expected rejection: ${JSON.stringify(result)}`);
  return result;
}

// Each row of the examples table in LABELS.md.
describe("the LABELS.md examples", () => {
  it("runs-fleet: cpu 2..4, linux, spot, arch chosen by price", () => {
    const result = accepted("runs-fleet");
    expect(result.spec).toEqual(defaultSpec());
    expect(result.spec.arch).toBeNull();
    expect(result.arch).toBe("arm64");
    expect(result.region).toBe("us-east-1");
    expect(result.candidates.every((c) => c.vcpu >= 2 && c.vcpu <= 4 && c.arch === "arm64")).toBe(
      true,
    );
  });

  it("runs-fleet/cpu=4/arch=arm64: cpu 4..8, arm64, c8g.xlarge first", () => {
    const result = accepted("runs-fleet/cpu=4/arch=arm64");
    expect(result.spec).toMatchObject({ cpu: { min: 4, max: 8 }, arch: "arm64" });
    expect(result.candidates[0]?.instanceType).toBe("c8g.xlarge");
    expect(result.candidates.every((c) => c.vcpu >= 4 && c.vcpu <= 8 && c.arch === "arm64")).toBe(
      true,
    );
  });

  it("runs-fleet/cpu=4+4/ram=16: exactly 4 vCPU, at least 16 GiB, an m-family xlarge first", () => {
    const result = accepted("runs-fleet/cpu=4+4/ram=16");
    expect(result.spec).toMatchObject({ cpu: { min: 4, max: 4 }, ramGiB: { min: 16, max: null } });
    expect(["m8g.xlarge", "m7g.xlarge", "m7i.xlarge"]).toContain(
      result.candidates[0]?.instanceType,
    );
    expect(result.candidates.every((c) => c.vcpu === 4 && c.memoryGiB >= 16)).toBe(true);
  });

  it("runs-fleet/os=windows/cpu=4: amd64 only", () => {
    const result = accepted("runs-fleet/os=windows/cpu=4");
    expect(result.spec).toMatchObject({ os: "windows", arch: null, cpu: { min: 4, max: 8 } });
    expect(result.arch).toBe("amd64");
    expect(result.candidates.every((c) => c.arch === "amd64")).toBe(true);
  });

  it("runs-fleet/cpus=4: rejected, unknown key cpus, did you mean cpu", () => {
    expect(rejected("runs-fleet/cpus=4").errors).toEqual([
      { key: "cpus", message: 'unknown key "cpus" — did you mean "cpu"?' },
    ]);
  });

  it("runs-fleet/cpu=8+4: rejected, MAX below MIN", () => {
    expect(rejected("runs-fleet/cpu=8+4").errors).toEqual([
      { key: "cpu", message: "cpu=8+4: MAX (4) is below MIN (8)" },
    ]);
  });

  it("runs-fleet/os=windows/arch=arm64: rejected, Windows runs on amd64 only", () => {
    expect(rejected("runs-fleet/os=windows/arch=arm64").errors).toEqual([
      { key: "arch", message: "os=windows runs on amd64 only; arch=arm64 is not allowed" },
    ]);
  });
});

describe("explainLabels", () => {
  it("takes the label's region for pricing", () => {
    const result = accepted("runs-fleet/cpu=4+4/arch=arm64/family=c7g/region=eu-west-1");
    expect(result.region).toBe("eu-west-1");
    expect(result.spec.region).toBe("eu-west-1");
    expect(result.candidates[0]?.onDemandUsdPerHour).toBe(0.16376);
  });

  it("rejects a spec nothing satisfies, keeping the spec", () => {
    const result = rejected("runs-fleet/family=t3/cpu=16");
    expect(result.spec).toMatchObject({ families: ["t3"], cpu: { min: 16, max: 32 } });
    expect(result.errors).toEqual([
      { key: "cpu", message: "no amd64 instance type in family=t3 has 16 vCPU (largest: 8)" },
    ]);
  });

  it("has no spec for a label that does not parse", () => {
    expect(rejected("runs-fleet/cpus=4").spec).toBeNull();
  });

  it("passes a job without the marker over", () => {
    expect(explain("self-hosted", "linux")).toEqual({ outcome: "not-ours" });
  });

  it("keeps the legacy token and the alias that mapped a label", () => {
    expect(accepted("runs-fleet=987/cpu=2").token).toBe("987");
    const compiled = compileAliases([{ match: "ci-large", spec: "cpu=8/arch=amd64" }]);
    if (!compiled.ok) throw new Error("compile");
    const result = explainLabels(["ci-large"], { ...options, aliases: compiled.aliases });
    expect(result).toMatchObject({ outcome: "accepted", alias: "ci-large", arch: "amd64" });
  });

  it("uses spot prices to choose the arch", () => {
    const result = explainLabels(["runs-fleet"], { ...options, spotPrices: { "c6i.large": 0.01 } });
    expect(result).toMatchObject({ outcome: "accepted", arch: "amd64" });
  });

  it("joins every problem into one reason for the job record", () => {
    expect(rejectionReason(rejected("runs-fleet/cpus=4/os=windows/arch=arm64").errors)).toBe(
      'unknown key "cpus" — did you mean "cpu"?; os=windows runs on amd64 only; arch=arm64 is not allowed',
    );
  });
});
