import { generateAppKey } from "./fake-github-keys.ts";

/** A config file with the placement AWS mode requires (launch templates, subnets). */
export const awsFleetFile = `
placement:
  region: us-east-1
  launchTemplates:
    linux-amd64: { name: runs-fleet-linux-amd64 }
    linux-arm64: { name: runs-fleet-linux-arm64 }
    windows-amd64: { name: runs-fleet-windows-amd64 }
  subnets:
    default:
      - { subnetId: subnet-0a, az: us-east-1a }
      - { subnetId: subnet-0b, az: us-east-1b }
aliases:
  - match: ci-large
    spec: cpu=8/arch=amd64
`;

/** A GitHub App configuration (with a freshly made key) for AWS-mode tests. */
export function githubAppEnv(): Record<string, string> {
  return {
    RUNS_FLEET_GITHUB_APP_ID: "12345",
    RUNS_FLEET_GITHUB_PRIVATE_KEY: generateAppKey().pkcs1,
  };
}

/** A GitHub App for AWS-mode processes: its id, its key, and the environment that names both. */
export function githubApp(appId = "12345") {
  const key = generateAppKey();
  return {
    appId,
    key,
    env: { RUNS_FLEET_GITHUB_APP_ID: appId, RUNS_FLEET_GITHUB_PRIVATE_KEY: key.pkcs1 },
  };
}

/** A config file whose placement names launch templates (by name) and subnets that exist. */
export function awsFleetFileFor(placement: {
  templates: { linuxArm64: string; linuxAmd64: string };
  subnets: ReadonlyArray<{ subnetId: string; az: string }>;
}): string {
  const subnets = placement.subnets.map((s) => `      - { subnetId: ${s.subnetId}, az: ${s.az} }`);
  return [
    "placement:",
    "  region: us-east-1",
    "  launchTemplates:",
    `    linux-arm64: { name: ${placement.templates.linuxArm64} }`,
    `    linux-amd64: { name: ${placement.templates.linuxAmd64} }`,
    "  subnets:",
    "    default:",
    ...subnets,
    "",
  ].join("\n");
}
