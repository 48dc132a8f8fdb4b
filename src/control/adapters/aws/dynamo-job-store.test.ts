import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backends, startBackends } from "../../../../test/support/control-plane.ts";
import { fixedClock } from "../clock.ts";
import { createDynamoJobStore } from "./dynamo-job-store.ts";

// The store's behaviour is the job-store contract (test/contracts), run against dynalite there;
// this suite keeps what only DynamoDB shows.
let b: Backends;
beforeAll(async () => {
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
});

describe("DynamoDB job store", () => {
  it("reports a missing table as an error naming it, which /readyz shows", async () => {
    const missing = createDynamoJobStore({
      client: b.dynamodb,
      tableName: "nope",
      clock: fixedClock(0),
    });
    await expect(missing.ping()).rejects.toThrow(
      /describing the jobs table failed: ResourceNotFoundException/,
    );
  });
});
