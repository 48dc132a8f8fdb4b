import { spawnSync } from "node:child_process";
import type { CliDeps } from "./run.ts";

/**
 * The real world for the CLI: EC2 asked for an instance's address and for spot prices with the
 * caller's own AWS credentials (the control plane does not keep addresses), the admin API over
 * the network, and commands run on this terminal.
 */
export function accessRuntime(env: Readonly<Record<string, string | undefined>>): CliDeps {
  return {
    env,
    // Loaded on first use: help, --offline and the admin API commands start without the SDK.
    priceSource: async () => (await import("./price-source.ts")).ec2PriceSource(env),
    resolveHost: async (instanceId, region) => {
      // Loaded only here: `explain` and `session` start without the EC2 client.
      const { DescribeInstancesCommand, EC2Client } = await import("@aws-sdk/client-ec2");
      const ec2 = new EC2Client({ region });
      try {
        const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
        const found = out.Reservations?.[0]?.Instances?.[0];
        return found?.PublicIpAddress ?? found?.PrivateIpAddress ?? null;
      } finally {
        ec2.destroy();
      }
    },
    exec: (argv) => {
      const [command, ...args] = argv;
      if (!command) return 2;
      const child = spawnSync(command, args, { stdio: "inherit" });
      if (child.error) {
        process.stderr.write(`runs-fleet: could not run ${command}: ${child.error.message}\n`);
        return 127;
      }
      return child.status ?? 1;
    },
  };
}
