import { afterEach, describe, expect, it } from "vitest";
import { type FakeImds, startFakeImds } from "../../shared/fake-imds.ts";
import { createImdsClient, ImdsError } from "./client.ts";

let imds: FakeImds | undefined;
afterEach(async () => {
  await imds?.stop();
  imds = undefined;
});

describe("IMDSv2 client against the fake IMDS", () => {
  it("gets a token once and reads identity and tags", async () => {
    imds = await startFakeImds({
      instanceId: "i-0abc",
      instanceType: "c7g.large",
      region: "eu-central-1",
      tags: { "runs-fleet:job-id": "77", "runs-fleet:managed": "true" },
    });
    const client = createImdsClient({ endpoint: imds.endpoint });
    expect(await client.identity()).toEqual({
      instanceId: "i-0abc",
      instanceType: "c7g.large",
      region: "eu-central-1",
      availabilityZone: "eu-central-1a",
    });
    expect(await client.tags()).toEqual({
      "runs-fleet:job-id": "77",
      "runs-fleet:managed": "true",
    });
    expect(imds.stats().tokens).toBe(1);
  });

  it("sees spot actions and rebalance recommendations when they appear", async () => {
    imds = await startFakeImds({ instanceId: "i-1" });
    const client = createImdsClient({ endpoint: imds.endpoint });
    expect(await client.spotAction()).toBeUndefined();
    expect(await client.rebalance()).toBeUndefined();
    imds.setSpotAction("terminate", "2030-01-01T00:02:00Z");
    imds.setRebalance("2030-01-01T00:00:00Z");
    expect(await client.spotAction()).toEqual({
      action: "terminate",
      time: "2030-01-01T00:02:00Z",
    });
    expect(await client.rebalance()).toEqual({ noticeTime: "2030-01-01T00:00:00Z" });
  });

  it("retries 5xx answers with backoff", async () => {
    imds = await startFakeImds({ instanceId: "i-retry" });
    imds.failNext(3);
    const client = createImdsClient({ endpoint: imds.endpoint, baseMs: 1, maxMs: 5 });
    expect((await client.identity()).instanceId).toBe("i-retry");
    expect(imds.stats().failures).toBe(3);
  });

  it("renews an expired token", async () => {
    imds = await startFakeImds({ instanceId: "i-ttl" });
    let t = 0;
    const client = createImdsClient({ endpoint: imds.endpoint, now: () => t });
    await client.get("instance-id");
    t += 7 * 3600 * 1000;
    await client.get("instance-id");
    expect(imds.stats().tokens).toBe(2);
  });

  it("fails clearly when IMDS is unreachable", async () => {
    const client = createImdsClient({
      endpoint: "http://127.0.0.1:9",
      attempts: 2,
      baseMs: 1,
      maxMs: 1,
    });
    const err = await client.identity().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImdsError);
    expect((err as ImdsError).message).toContain("unreachable");
  });
});
