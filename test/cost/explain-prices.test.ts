import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ec2PriceSource } from "../../src/cli/price-source.ts";
import { type CliDeps, runCommand } from "../../src/cli/run.ts";
import { type Moto, motoAvailable, motoSkipReason, startMoto } from "../support/moto.ts";

const bin = fileURLToPath(new URL("../../bin/runs-fleet.js", import.meta.url));
const label = "runs-fleet/cpu=2+2/family=c7g+m7i+c7i";
const keys = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };

/** The CLI's dependencies with EC2 at `endpoint`; ssh/session's are never called here. */
function deps(endpoint: string): CliDeps {
  const env = { ...keys, RUNS_FLEET_EC2_ENDPOINT: endpoint };
  return {
    env,
    priceSource: async () => ec2PriceSource(env),
    // A deadline, not a measurement: moto can be slow to answer on a busy machine.
    priceTimeoutMs: 60_000,
    resolveHost: async () => null,
    exec: () => 2,
  };
}

/** Runs the real launcher, asynchronously, with only the environment given (no real AWS). */
function spawned(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...env },
    });
    let stdout = "";
    p.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    p.once("exit", (status) => resolve({ status, stdout }));
  });
}

interface Body {
  ok: boolean;
  candidates: {
    instanceType: string;
    onDemandUsdPerHour: number;
    spotUsdPerHour: number | null;
    spotAz: string | null;
  }[];
  spotPrices: { status: string; region: string | null; message: string | null };
}

describe("runs-fleet explain when EC2 cannot be reached", () => {
  const dead = "http://127.0.0.1:1";

  it("says so in the text and keeps the list-price table", async () => {
    const r = await runCommand(["explain", label], deps(dead));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/INSTANCE TYPE\s+VCPU\s+MEMORY GiB\s+ON-DEMAND USD\/H$/m);
    expect(r.stdout).not.toMatch(/SPOT USD\/H/);
    expect(r.stdout).toMatch(
      /^Spot prices unavailable: cannot get them from EC2 in us-east-1 \(EC2 unreachable: .*\); check your network and AWS credentials\.$/m,
    );
    expect(r.stdout).toMatch(/^Candidates are in on-demand list-price order\.$/m);
  });

  it("says so in --json, the old fields kept and the new ones null", async () => {
    const r = await runCommand(["explain", label, "--json"], deps(dead));
    const body = JSON.parse(r.stdout) as Body;
    expect(Object.keys(body)).toEqual(["ok", "spec", "candidates", "spotPrices"]);
    expect(body.spotPrices).toMatchObject({ status: "unavailable", region: "us-east-1" });
    expect(body.spotPrices.message).toMatch(/cannot get them from EC2 in us-east-1/);
    expect(body.candidates[0]).toMatchObject({ spotUsdPerHour: null, spotAz: null });
    expect(Object.keys(body.candidates[0] ?? {})).toEqual([
      "instanceType",
      "vcpu",
      "memoryGiB",
      "arch",
      "onDemandUsdPerHour",
      "spotUsdPerHour",
      "spotAz",
    ]);
  });

  it("names missing credentials as such (spawned, no keys anywhere)", async () => {
    const r = await spawned(["explain", label, "--json"], {
      RUNS_FLEET_EC2_ENDPOINT: dead,
      // No instance role to find either: the chain fails at once instead of probing IMDS.
      AWS_EC2_METADATA_DISABLED: "true",
    });
    expect(r.status).toBe(0);
    const body = JSON.parse(r.stdout) as Body;
    expect(body.spotPrices.status).toBe("unavailable");
    expect(body.spotPrices.message).toMatch(/^no AWS credentials to ask EC2 in us-east-1/);
  });

  it("asks nothing with --offline, nor for spot=false", async () => {
    let opened = 0;
    const priceSource = async () => {
      opened += 1;
      return ec2PriceSource({});
    };
    const d = { ...deps(dead), priceSource };
    const offline = JSON.parse(
      (await runCommand(["explain", label, "--offline", "--json"], d)).stdout,
    ) as Body;
    expect(offline.spotPrices).toEqual({
      status: "not-asked",
      region: null,
      message: "spot prices not asked (offline)",
    });
    expect(opened).toBe(0);
    const onDemand = await runCommand(["explain", `${label}/spot=false`], d);
    expect(onDemand.stdout).toMatch(/^Spot prices not shown: spot=false asks for on-demand\.$/m);
  });
});

describe("runs-fleet explain --price-timeout", () => {
  it("takes seconds, more than 0 and at most 300, and says so otherwise", async () => {
    for (const bad of ["0", "301", "soon"]) {
      const r = await runCommand(
        ["explain", label, "--price-timeout", bad],
        deps("http://127.0.0.1:9"),
      );
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/--price-timeout takes seconds/);
    }
  });
});

describe.skipIf(!motoAvailable)(
  `runs-fleet explain with EC2's spot prices (moto) ${motoAvailable ? "" : motoSkipReason}`,
  () => {
    let moto: Moto;
    beforeAll(async () => {
      moto = await startMoto();
    }, 60_000);
    afterAll(async () => {
      await moto?.stop();
    });

    it("shows spot and on-demand prices per candidate, ordered by spot price", async () => {
      const r = await runCommand(["explain", label, "--json"], deps(moto.endpoint));
      expect(r.exitCode).toBe(0);
      const body = JSON.parse(r.stdout) as Body;
      expect(body.spotPrices).toEqual({ status: "ok", region: "us-east-1", message: null });
      const priced = body.candidates.filter((c) => c.spotUsdPerHour !== null);
      expect(priced.length).toBeGreaterThan(0);
      for (const c of priced) {
        expect(c.spotAz).toMatch(/^us-east-1[a-z]$/);
        expect(c.onDemandUsdPerHour).toBeGreaterThan(0);
      }
      // Candidates with a spot price come cheapest first, as the control plane ranks them.
      const spot = priced.map((c) => c.spotUsdPerHour ?? 0);
      expect(spot).toEqual([...spot].sort((a, b) => a - b));
    });

    it("prints the spot column and where the prices came from (spawned)", async () => {
      const r = await spawned(["explain", label, "--price-timeout", "60"], {
        ...keys,
        RUNS_FLEET_EC2_ENDPOINT: moto.endpoint,
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/ON-DEMAND USD\/H\s+SPOT USD\/H\s+AZ$/m);
      expect(r.stdout).toMatch(
        /^ {2}c7g\.large\s+2\s+4\s+0\.\d{5}\s+\d+\.\d{5}\s+us-east-1[a-z]$/m,
      );
      expect(r.stdout).toMatch(
        /^Spot prices from EC2 in us-east-1 now, cheapest AZ; spot candidates are ordered by them\.$/m,
      );
    });
  },
);
