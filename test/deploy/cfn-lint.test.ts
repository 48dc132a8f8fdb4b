import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { templatePath } from "../../deploy/cfn-yaml.ts";

/** cfn-lint (`pip install cfn-lint`) checks the template against CloudFormation's schemas. */
const cfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
const cfnLintAvailable = cfnLint.status === 0;
if (!cfnLintAvailable)
  console.warn(
    "cfn-lint not found: install it with `pip install cfn-lint` to check deploy/cloudformation.yaml against CloudFormation's schemas",
  );

describe.skipIf(!cfnLintAvailable)("cfn-lint", () => {
  it("finds no error, warning or informational finding in the template", () => {
    const r = spawnSync("cfn-lint", ["--include-checks", "I", "--", templatePath], {
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
