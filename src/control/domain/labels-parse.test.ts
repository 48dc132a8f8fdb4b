import { describe, expect, it } from "vitest";
import { compileAliases } from "./aliases.ts";
import { defaultCatalog } from "./catalog-default.ts";
import { parseLabels } from "./labels-parse.ts";
import { defaultSpec, type LabelOptions, type LabelParse } from "./labels-types.ts";
import type { Spec } from "./spec.ts";

const options: LabelOptions = {
  catalog: defaultCatalog,
  regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"],
  defaultRegion: "us-east-1",
  environments: ["default", "prod"],
};

function specOf(result: LabelParse): Spec {
  if (result.outcome !== "parsed")
    throw new Error(`expected a spec, got ${JSON.stringify(result)}`);
  return result.spec;
}

function errorsOf(label: string, opts: LabelOptions = options) {
  const result = parseLabels([label], opts);
  if (result.outcome !== "rejected") throw new Error(`expected rejection of ${label}`);
  return result.errors;
}

const spec = (label: string) => specOf(parseLabels([label], options));

describe("the marker", () => {
  it("alone gives the defaults", () => {
    expect(parseLabels(["runs-fleet"], options)).toEqual({
      outcome: "parsed",
      spec: defaultSpec(),
      label: "runs-fleet",
      token: null,
      alias: null,
    });
    expect(defaultSpec()).toMatchObject({ cpu: { min: 2, max: 4 }, os: "linux", spot: true });
  });

  it("is found among other labels, which are ignored", () => {
    const result = parseLabels(["self-hosted", "linux", "x64", "runs-fleet/cpu=8"], options);
    expect(result).toMatchObject({ outcome: "parsed", label: "runs-fleet/cpu=8" });
  });

  it("is matched case-insensitively and labels are trimmed", () => {
    expect(parseLabels([" Runs-Fleet/cpu=4 "], options)).toMatchObject({
      outcome: "parsed",
      label: "Runs-Fleet/cpu=4",
      spec: { cpu: { min: 4, max: 8 } },
    });
  });

  it("absent means the job is not ours", () => {
    expect(parseLabels(["self-hosted", "ubuntu-latest"], options)).toEqual({ outcome: "not-ours" });
    expect(parseLabels([], options)).toEqual({ outcome: "not-ours" });
    expect(parseLabels(["runs-fleetx", "my-runs-fleet", "runs-fleet-large"], options)).toEqual({
      outcome: "not-ours",
    });
  });

  it("on more than one label rejects the job", () => {
    expect(errorsOf2(["runs-fleet/cpu=2", "runs-fleet/cpu=4"])).toEqual([
      {
        key: null,
        message:
          'more than one label carries the runs-fleet marker: "runs-fleet/cpu=2", "runs-fleet/cpu=4"',
      },
    ]);
  });

  it("in the legacy form keeps the token", () => {
    expect(parseLabels(["runs-fleet=12345/os=windows/cpu=4"], options)).toMatchObject({
      outcome: "parsed",
      token: "12345",
      spec: { os: "windows", cpu: { min: 4, max: 8 } },
    });
    expect(parseLabels(["runs-fleet=12345"], options)).toMatchObject({
      outcome: "parsed",
      token: "12345",
      spec: defaultSpec(),
    });
  });

  it("in the legacy form needs a token", () => {
    expect(errorsOf("runs-fleet=/cpu=4")).toEqual([
      { key: null, message: '"runs-fleet=" needs a token, e.g. runs-fleet=<run id>' },
    ]);
  });
});

function errorsOf2(labels: string[]) {
  const result = parseLabels(labels, options);
  if (result.outcome !== "rejected") throw new Error("expected a rejection");
  return result.errors;
}

describe("structure", () => {
  it("rejects an unknown key with a did-you-mean", () => {
    expect(errorsOf("runs-fleet/cpus=4")).toEqual([
      { key: "cpus", message: 'unknown key "cpus" — did you mean "cpu"?' },
    ]);
    expect(errorsOf("runs-fleet/memory=4")[0]?.message).toBe(
      'unknown key "memory" — did you mean "ram"?',
    );
    expect(errorsOf("runs-fleet/CPU=4")[0]?.message).toBe(
      'unknown key "CPU" — did you mean "cpu"? (keys are lower case)',
    );
  });

  it("rejects an unknown key with nothing close by listing the keys", () => {
    expect(errorsOf("runs-fleet/colour=blue")).toEqual([
      {
        key: "colour",
        message:
          'unknown key "colour" (keys: cpu, ram, arch, os, family, gen, disk, pool, spot, region, env, retry, priority, debug)',
      },
    ]);
  });

  it("rejects a repeated key", () => {
    expect(errorsOf("runs-fleet/cpu=4/cpu=8")).toEqual([
      { key: "cpu", message: 'key "cpu" is given more than once' },
    ]);
  });

  it("rejects a part that is not key=value, and empty parts", () => {
    expect(errorsOf("runs-fleet/large")).toEqual([
      { key: null, message: 'expected key=value, got "large"' },
    ]);
    expect(errorsOf("runs-fleet//cpu=4")).toEqual([
      { key: null, message: 'empty part between "/" separators' },
    ]);
    expect(errorsOf("runs-fleet/")).toEqual([
      { key: null, message: 'empty part between "/" separators' },
    ]);
    expect(errorsOf("runs-fleet=42/")).toHaveLength(1);
  });

  it("collects every error, not just the first", () => {
    const errors = errorsOf("runs-fleet/cpus=4/ram=lots/arch=sparc/os=macos/gen=0/spot=maybe");
    expect(errors.map((e) => e.key)).toEqual(["cpus", "ram", "arch", "os", "gen", "spot"]);
  });
});

describe("values", () => {
  it("cpu: N means N..2N, MIN+MAX is a range, N+N is exact", () => {
    expect(spec("runs-fleet/cpu=4").cpu).toEqual({ min: 4, max: 8 });
    expect(spec("runs-fleet/cpu=4+16").cpu).toEqual({ min: 4, max: 16 });
    expect(spec("runs-fleet/cpu=4+4").cpu).toEqual({ min: 4, max: 4 });
    expect(spec("runs-fleet/cpu=192").cpu).toEqual({ min: 192, max: 384 });
  });

  it("cpu: rejects bad forms, out-of-range values and MAX below MIN", () => {
    expect(errorsOf("runs-fleet/cpu=four")).toEqual([
      { key: "cpu", message: 'cpu must be N or MIN+MAX, whole vCPUs 1–192 (got "four")' },
    ]);
    expect(errorsOf("runs-fleet/cpu=2.5")[0]?.message).toMatch(/^cpu must be N or MIN\+MAX/);
    expect(errorsOf("runs-fleet/cpu=1+2+3")[0]?.message).toMatch(/^cpu must be N or MIN\+MAX/);
    expect(errorsOf("runs-fleet/cpu=")[0]?.message).toMatch(/^cpu must be N or MIN\+MAX/);
    expect(errorsOf("runs-fleet/cpu=0")).toEqual([
      { key: "cpu", message: "cpu must be between 1 and 192 (got 0)" },
    ]);
    expect(errorsOf("runs-fleet/cpu=4096")[0]?.message).toBe(
      "cpu must be between 1 and 192 (got 4096)",
    );
    expect(errorsOf("runs-fleet/cpu=8+4")).toEqual([
      { key: "cpu", message: "cpu=8+4: MAX (4) is below MIN (8)" },
    ]);
  });

  it("ram: decimals, N is a minimum only, MIN+MAX a range", () => {
    expect(spec("runs-fleet/ram=16").ramGiB).toEqual({ min: 16, max: null });
    expect(spec("runs-fleet/ram=0.5+1.5").ramGiB).toEqual({ min: 0.5, max: 1.5 });
    expect(spec("runs-fleet/ram=1536").ramGiB).toEqual({ min: 1536, max: null });
    expect(errorsOf("runs-fleet/ram=0.25")).toEqual([
      { key: "ram", message: "ram must be between 0.5 and 1536 (got 0.25)" },
    ]);
    expect(errorsOf("runs-fleet/ram=16G")).toEqual([
      {
        key: "ram",
        message: 'ram must be N or MIN+MAX, GiB 0.5–1536, decimals allowed (got "16G")',
      },
    ]);
    expect(errorsOf("runs-fleet/ram=32+16")[0]?.message).toBe(
      "ram=32+16: MAX (16) is below MIN (32)",
    );
  });

  it("arch: aliases and case-insensitive values, stored lower case", () => {
    expect(spec("runs-fleet/arch=aarch64").arch).toBe("arm64");
    expect(spec("runs-fleet/arch=ARM64").arch).toBe("arm64");
    expect(spec("runs-fleet/arch=x64").arch).toBe("amd64");
    expect(spec("runs-fleet/arch=X86_64").arch).toBe("amd64");
    expect(errorsOf("runs-fleet/arch=sparc")).toEqual([
      { key: "arch", message: 'arch must be arm64 (aarch64) or amd64 (x64, x86_64) (got "sparc")' },
    ]);
    expect(errorsOf("runs-fleet/arch=constructor")[0]?.key).toBe("arch");
  });

  it("os, spot, retry, priority: enums, case-insensitive", () => {
    expect(spec("runs-fleet/os=Windows").os).toBe("windows");
    expect(spec("runs-fleet/spot=FALSE").spot).toBe(false);
    expect(spec("runs-fleet/spot=true").spot).toBe(true);
    expect(spec("runs-fleet/retry=false").retry).toBe("false");
    expect(spec("runs-fleet/retry=When-Interrupted").retry).toBe("when-interrupted");
    expect(spec("runs-fleet/priority=HIGH").priority).toBe("high");
    expect(errorsOf("runs-fleet/os=macos")[0]?.message).toBe(
      'os must be linux or windows (got "macos")',
    );
    expect(errorsOf("runs-fleet/spot=yes")[0]?.message).toBe(
      'spot must be true or false (got "yes")',
    );
    expect(errorsOf("runs-fleet/retry=true")[0]?.message).toBe(
      'retry must be when-interrupted or false (got "true")',
    );
    expect(errorsOf("runs-fleet/priority=urgent")[0]?.message).toBe(
      'priority must be low, normal or high (got "urgent")',
    );
  });

  it("family: a +-list of catalog families, lower-cased, duplicates dropped", () => {
    expect(spec("runs-fleet/family=c7g+M7G+c7g").families).toEqual(["c7g", "m7g"]);
    expect(errorsOf("runs-fleet/family=c7g+c9x")).toEqual([
      { key: "family", message: 'family "c9x" is not in the catalog — did you mean "c6a"?' },
    ]);
    expect(errorsOf("runs-fleet/family=p5+zz9")).toHaveLength(2);
    expect(errorsOf("runs-fleet/family=p5")[0]?.message).toMatch(
      /^family "p5" is not in the catalog \(families: c6a, c6g, .*t4g\)$/,
    );
    expect(errorsOf("runs-fleet/family=c7g+")[0]?.message).toBe(
      'family must be one or more families joined by "+", e.g. family=c7g+m7g (got "c7g+")',
    );
  });

  it("gen and disk: whole numbers in range", () => {
    expect(spec("runs-fleet/gen=7").gen).toBe(7);
    expect(spec("runs-fleet/disk=200").diskGiB).toBe(200);
    expect(errorsOf("runs-fleet/gen=11")[0]?.message).toBe(
      'gen must be a whole number 1–10 (got "11")',
    );
    expect(errorsOf("runs-fleet/disk=16385")[0]?.message).toBe(
      'disk must be a whole number of GiB 1–16384 (got "16385")',
    );
    expect(errorsOf("runs-fleet/disk=1.5")[0]?.key).toBe("disk");
  });

  it("pool: the name pattern, case kept", () => {
    expect(spec("runs-fleet/pool=Warm_Pool-1").pool).toBe("Warm_Pool-1");
    expect(errorsOf("runs-fleet/pool=-x")[0]?.message).toBe(
      'pool must match ^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$ (got "-x")',
    );
    expect(errorsOf(`runs-fleet/pool=${"a".repeat(64)}`)[0]?.key).toBe("pool");
  });

  it("region: among the configured regions", () => {
    expect(spec("runs-fleet/region=EU-WEST-1").region).toBe("eu-west-1");
    expect(errorsOf("runs-fleet/region=eu-central-1")).toEqual([
      {
        key: "region",
        message:
          'region "eu-central-1" is not configured (regions: us-east-1, us-west-2, eu-west-1, ap-northeast-1)',
      },
    ]);
  });

  it("env: the name pattern, and among the configured environments", () => {
    expect(spec("runs-fleet/env=prod").env).toBe("prod");
    expect(spec("runs-fleet/env=PROD").env).toBe("prod");
    expect(errorsOf("runs-fleet/env=9lives")[0]?.message).toBe(
      'env must match ^[a-z][a-z0-9-]{0,31}$ (got "9lives")',
    );
    expect(errorsOf("runs-fleet/env=staging")[0]?.message).toBe(
      'env "staging" is not configured (environments: default, prod)',
    );
  });

  it("debug: whole minutes 1–120, none by default", () => {
    expect(spec("runs-fleet").debugMinutes).toBeNull();
    expect(spec("runs-fleet/debug=30").debugMinutes).toBe(30);
    expect(spec("runs-fleet/debug=1").debugMinutes).toBe(1);
    expect(spec("runs-fleet/debug=120").debugMinutes).toBe(120);
    for (const [raw, got] of [
      ["0", '"0"'],
      ["121", '"121"'],
      ["1.5", '"1.5"'],
      ["", '""'],
      ["-5", '"-5"'],
    ]) {
      expect(errorsOf(`runs-fleet/debug=${raw}`)).toEqual([
        {
          key: "debug",
          message: `debug must be a whole number of minutes 1–120 to keep the instance after its job (got ${got})`,
        },
      ]);
    }
  });

  it("debug: not with a pool, whose instances serve further jobs", () => {
    expect(errorsOf("runs-fleet/pool=warm/debug=30")).toEqual([
      {
        key: "debug",
        message: "debug= cannot be combined with pool= (a pool instance serves further jobs)",
      },
    ]);
  });

  it("rejects Windows on arm64, whichever order the keys come in", () => {
    const error = {
      key: "arch",
      message: "os=windows runs on amd64 only; arch=arm64 is not allowed",
    };
    expect(errorsOf("runs-fleet/os=windows/arch=arm64")).toEqual([error]);
    expect(errorsOf("runs-fleet/arch=aarch64/os=WINDOWS")).toEqual([error]);
  });
});

describe("aliases", () => {
  const compiled = compileAliases([
    { match: "ci-large", spec: "cpu=8/arch=amd64" },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: alias placeholders, not a template
    { regex: "^ci-(\\d+)x-(amd64|arm64)$", spec: "cpu=${1}+${1}/arch=${2}" },
    { regex: "^ci-", spec: "cpu=2" },
    { match: "ci-broken", spec: "cpus=2" },
  ]);
  if (!compiled.ok) throw new Error(compiled.issues.join("; "));
  const withAliases = { ...options, aliases: compiled.aliases };

  it("maps a literal label to its spec", () => {
    expect(parseLabels(["self-hosted", "ci-large"], withAliases)).toMatchObject({
      outcome: "parsed",
      label: "ci-large",
      alias: "ci-large",
      token: null,
      spec: { cpu: { min: 8, max: 16 }, arch: "amd64" },
    });
  });

  it("maps a regex match, substituting captures", () => {
    expect(parseLabels(["ci-16x-arm64"], withAliases)).toMatchObject({
      outcome: "parsed",
      alias: "^ci-(\\d+)x-(amd64|arm64)$",
      spec: { cpu: { min: 16, max: 16 }, arch: "arm64" },
    });
  });

  it("takes the first alias that matches, in config order", () => {
    expect(parseLabels(["ci-other", "ci-large"], withAliases)).toMatchObject({
      label: "ci-large",
      alias: "ci-large",
    });
    expect(specOf(parseLabels(["ci-broken"], withAliases)).cpu).toEqual({ min: 2, max: 4 });
  });

  it("loses to the marker", () => {
    expect(parseLabels(["ci-large", "runs-fleet/cpu=2"], withAliases)).toMatchObject({
      label: "runs-fleet/cpu=2",
      alias: null,
      spec: { cpu: { min: 2, max: 4 } },
    });
  });

  it("names the alias when its spec is bad", () => {
    const broken = compileAliases([{ match: "ci-broken", spec: "cpus=2" }]);
    if (!broken.ok) throw new Error("compile");
    expect(errorsOf("ci-broken", { ...options, aliases: broken.aliases })).toEqual([
      {
        key: "cpus",
        message: 'unknown key "cpus" — did you mean "cpu"? (alias "ci-broken" → "cpus=2")',
      },
    ]);
  });

  it("check the spec that substitution produces", () => {
    expect(errorsOf("ci-999x-amd64", withAliases)[0]?.message).toBe(
      'cpu must be between 1 and 192 (got 999) (alias "^ci-(\\d+)x-(amd64|arm64)$" → "cpu=999+999/arch=amd64")',
    );
  });
});
