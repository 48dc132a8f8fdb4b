import type { PlacementConfig } from "../../domain/placement-config.ts";

/**
 * Placement for local mode: a stand-in launch template per OS × arch and one "subnet" per
 * configured environment, so the same placement logic runs with no AWS account.
 */
export function localPlacementConfig(
  region: string,
  environments: readonly string[],
): PlacementConfig {
  const template = (name: string) => ({ name, version: "$Default" });
  return {
    region,
    launchTemplates: {
      "linux-amd64": template("local-linux-amd64"),
      "linux-arm64": template("local-linux-arm64"),
      "windows-amd64": template("local-windows-amd64"),
    },
    subnets: Object.fromEntries(
      environments.map((env) => [env, [{ subnetId: `local-${env}`, az: `${region}a` }]]),
    ),
    regions: {},
    defaultDiskGiB: { linux: 40, windows: 80 },
    maxInstanceTypes: 20,
    maxOverrides: 60,
  };
}
