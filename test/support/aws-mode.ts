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
