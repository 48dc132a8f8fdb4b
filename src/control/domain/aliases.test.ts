import { describe, expect, it } from "vitest";
import { compileAliases, matchAlias } from "./aliases.ts";

describe("compileAliases", () => {
  it("accepts literal and regex aliases, and a spec written with the marker", () => {
    const result = compileAliases([
      { match: "ci-large", spec: "runs-fleet/cpu=8" },
      { regex: "^ci-(\\d+)$", spec: "cpu=2" },
      { match: "ci-default", spec: "runs-fleet" },
    ]);
    expect(result).toEqual({
      ok: true,
      aliases: [
        { kind: "match", match: "ci-large", spec: "cpu=8" },
        { kind: "regex", regex: /^ci-(\d+)$/, spec: "cpu=2" },
        { kind: "match", match: "ci-default", spec: "" },
      ],
    });
  });

  it("lists every bad entry: wrong shape and invalid expressions", () => {
    const result = compileAliases([
      { match: "ok", spec: "cpu=2" },
      { regex: "([", spec: "cpu=2" },
      { match: "x", regex: "y", spec: "cpu=2" },
      { spec: "cpu=2" },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.length).toBeGreaterThanOrEqual(2);
    expect(result.issues.some((i) => i.startsWith("aliases.2"))).toBe(true);
    expect(result.issues.some((i) => i.startsWith("aliases.3"))).toBe(true);
  });

  it("reports an invalid expression by its index", () => {
    const result = compileAliases([{ regex: "([", spec: "cpu=2" }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toMatch(/^aliases\.0\.regex: /);
  });

  it("rejects something that is not a list", () => {
    expect(compileAliases({ match: "x", spec: "" }).ok).toBe(false);
  });
});

describe("matchAlias", () => {
  const compiled = compileAliases([
    { match: "ci-large", spec: "cpu=8" },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: alias placeholders, not a template
    { regex: "^gpu-(\\w+)(-spot)?$", spec: "family=${1}/x=${2}/y=${9}" },
  ]);
  if (!compiled.ok) throw new Error("compile");

  it("matches literals exactly, case included", () => {
    expect(matchAlias(["CI-LARGE"], compiled.aliases)).toBeNull();
    expect(matchAlias(["ci-large"], compiled.aliases)).toEqual({
      label: "ci-large",
      alias: "ci-large",
      specText: "cpu=8",
    });
  });

  it("substitutes captures, empty for groups that did not take part or do not exist", () => {
    expect(matchAlias(["gpu-g5"], compiled.aliases)?.specText).toBe("family=g5/x=/y=");
    expect(matchAlias(["gpu-g5-spot"], compiled.aliases)?.specText).toBe("family=g5/x=-spot/y=");
  });

  it("prefers the earlier alias over the earlier label", () => {
    expect(matchAlias(["gpu-g5", "ci-large"], compiled.aliases)?.alias).toBe("ci-large");
  });
});
