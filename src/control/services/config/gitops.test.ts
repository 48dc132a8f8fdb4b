import { describe, expect, it } from "vitest";
import { refusalDescription } from "./gitops.ts";
import { isConfigRepository, type PushEvent, pushTouches } from "./push-event.ts";

const push = (full: string, files: string[][]): PushEvent => ({
  ref: "refs/heads/main",
  after: "a".repeat(40),
  deleted: false,
  repository: {
    name: full.split("/")[1] ?? "",
    full_name: full,
    default_branch: "main",
    owner: { login: full.split("/")[0] ?? "" },
  },
  commits: files.map((f) => ({ added: [], modified: f, removed: [] })),
});

describe("config pushes", () => {
  it("names each problem in the status while they fit in GitHub's 140 characters", () => {
    expect(refusalDescription(["pools.0.hot: too big"])).toBe(
      "1 problem, not applied: pools.0.hot: too big",
    );
    const many = Array.from({ length: 9 }, (_, i) => `pools.${i}.spec: unknown key "cpus"`);
    const text = refusalDescription(many);
    expect(text.length).toBeLessThanOrEqual(140);
    expect(text).toMatch(/^9 problems, not applied: pools\.0\.spec: .*\(\+\d more\)$/);
  });

  it("matches the config repository by owner/name, or by name in the pushing account", () => {
    expect(isConfigRepository(push("Acme/.github-private", []), ".github-private")).toBe(true);
    expect(isConfigRepository(push("acme/.github-private", []), "acme/.github-private")).toBe(true);
    expect(isConfigRepository(push("other/.github-private", []), "acme/.github-private")).toBe(
      false,
    );
  });

  it("counts a push as touching the file when a commit adds, changes or removes it", () => {
    expect(
      pushTouches(
        push("a/b", [["README.md"], [".github/runs-fleet.yml"]]),
        ".github/runs-fleet.yml",
      ),
    ).toBe(true);
    expect(pushTouches(push("a/b", [["README.md"]]), ".github/runs-fleet.yml")).toBe(false);
  });
});
