import { EC2Client } from "@aws-sdk/client-ec2";
import { createEc2SpotPrices } from "../control/adapters/aws/ec2-spot-prices.ts";
import { systemClock } from "../control/adapters/clock.ts";
import type { SpotPrices } from "../control/ports/spot-prices.ts";

/** A spot price source and the clients it opened, to close once the command has printed. */
export interface CliPriceSource {
  spotPrices: SpotPrices;
  close(): void;
}

/**
 * Spot prices from EC2 with the caller's own AWS credentials (the usual SDK chain: environment,
 * profile, SSO, instance role), one client per region asked. One attempt per call: `explain` is
 * interactive, and a price that does not come at once is better said missing than waited for.
 * `RUNS_FLEET_EC2_ENDPOINT` points it elsewhere (a VPC endpoint, an emulator).
 */
export function ec2PriceSource(env: Readonly<Record<string, string | undefined>>): CliPriceSource {
  const clients = new Map<string, EC2Client>();
  const endpoint = env.RUNS_FLEET_EC2_ENDPOINT;
  // Keys given in `env` are used as given; otherwise the SDK's own chain finds them.
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  const credentials =
    accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {};
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      client = new EC2Client({
        region,
        maxAttempts: 1,
        ...credentials,
        ...(endpoint ? { endpoint } : {}),
      });
      clients.set(region, client);
    }
    return client;
  };
  return {
    spotPrices: createEc2SpotPrices({ clientFor, clock: systemClock, maxPages: 2 }),
    close: () => {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
