import { EC2Client } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEc2SpotPrices } from "../../src/control/adapters/aws/ec2-spot-prices.ts";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { type Moto, motoAvailable, motoSkipReason, startMoto } from "../support/moto.ts";

const region = "us-east-1";

describe.skipIf(!motoAvailable)(
  `spot prices from DescribeSpotPriceHistory (moto) ${motoAvailable ? "" : motoSkipReason}`,
  () => {
    let moto: Moto;
    let client: EC2Client;
    beforeAll(async () => {
      moto = await startMoto();
      client = new EC2Client({
        region,
        endpoint: moto.endpoint,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
    }, 60_000);
    afterAll(async () => {
      client?.destroy();
      await moto?.stop();
    });

    it("quotes per type and AZ, caches until the refresh interval, asks only for stale types", async () => {
      const clock = fixedClock(Date.parse("2026-03-01T00:00:00Z"));
      const prices = createEc2SpotPrices({ clientFor: () => client, clock, refreshMs: 600_000 });
      const query = { region, os: "linux" as const, instanceTypes: ["c7g.large", "m7i.large"] };
      const quotes = await prices.quotes(query);
      expect(new Set(quotes.map((q) => q.instanceType))).toEqual(
        new Set(["c7g.large", "m7i.large"]),
      );
      expect(quotes.every((q) => q.az.startsWith(region) && q.usdPerHour > 0)).toBe(true);
      expect(prices.calls()).toBe(1);

      await prices.quotes(query);
      await prices.quotes({ ...query, instanceTypes: ["c7g.large"] });
      expect(prices.calls()).toBe(1);

      // A concurrent burst for a new type makes one call between them.
      await Promise.all(
        [1, 2, 3].map(() => prices.quotes({ ...query, instanceTypes: ["r8g.large"] })),
      );
      expect(prices.calls()).toBe(2);

      clock.advance(600_000);
      await prices.quotes(query);
      expect(prices.calls()).toBe(3);
    });

    it("says it cannot reach EC2 with a FleetError", async () => {
      const dead = new EC2Client({
        region,
        endpoint: "http://127.0.0.1:1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts: 1,
      });
      const prices = createEc2SpotPrices({ clientFor: () => dead, clock: fixedClock(0) });
      await expect(
        prices.quotes({ region, os: "linux", instanceTypes: ["c7g.large"] }),
      ).rejects.toMatchObject({ retryable: true });
      dead.destroy();
    });
  },
);
