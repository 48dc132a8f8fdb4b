import { describe, expect, it } from "vitest";
import { defaultCatalog } from "./catalog-default.ts";
import { checkFleetConfig, parseFleetConfigText } from "./fleet-config.ts";

const labels = {
  catalog: defaultCatalog,
  regions: ["us-east-1"],
  defaultRegion: "us-east-1",
  environments: ["default"],
};

describe("the GitOps config file", () => {
  it("accepts pools and aliases, with the pools' defaults filled in", () => {
    const result = parseFleetConfigText(
      "pools:\n  - { name: linux-arm, spec: cpu=4/arch=arm64, hot: 2 }\naliases:\n  - { regex: '^big-(\\d+)$', spec: cpu=8 }\n",
      labels,
    );
    expect(result).toMatchObject({
      ok: true,
      config: {
        pools: [{ name: "linux-arm", hot: 2, stopped: 0, idleTimeoutMinutes: 30, spot: false }],
        aliases: [{ regex: "^big-(\\d+)$", spec: "cpu=8" }],
      },
    });
  });

  it("treats an empty file as no pools and no aliases", () => {
    expect(parseFleetConfigText("", labels)).toMatchObject({
      ok: true,
      config: { pools: [], aliases: [] },
    });
  });

  it("lists every problem at once, each with where it is", () => {
    const result = checkFleetConfig(
      {
        placment: {},
        pools: [
          { name: "a", spec: "cpu=4096" },
          { name: "a", spec: "cpu=2", hot: "2" },
        ],
        aliases: [
          { regex: "(", spec: "cpu=2" },
          { match: "x", spec: "arch=sparc" },
        ],
      },
      labels,
    );
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      'unknown section "placment": allowed are pools, aliases',
      expect.stringMatching(/^pools\.1\.hot: /),
      expect.stringMatching(/^aliases\.0\.regex: /),
    ]);
  });

  it("resolves pool specs and literal alias specs like labels", () => {
    const result = checkFleetConfig(
      {
        pools: [
          { name: "huge", spec: "cpu=4096" },
          { name: "dup", spec: "cpu=2" },
          { name: "dup", spec: "cpu=2" },
        ],
        aliases: [{ match: "x", spec: "arch=sparc" }],
      },
      labels,
    );
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      expect.stringMatching(/^pools\.0\.spec: /),
      'pools.2.name: "dup" is defined twice',
      expect.stringMatching(/^aliases\.0\.spec: .*arch/),
    ]);
  });

  it("reports YAML syntax errors and sections of the wrong kind", () => {
    expect(parseFleetConfigText("pools: [", labels)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^not valid YAML: /)],
    });
    expect(checkFleetConfig({ pools: {}, aliases: "x" })).toEqual({
      ok: false,
      problems: ["pools: must be a list", "aliases: must be a list"],
    });
    expect(checkFleetConfig([1])).toMatchObject({ ok: false });
  });
});
