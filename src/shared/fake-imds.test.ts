import { afterEach, describe, expect, it } from "vitest";
import { type FakeImds, startFakeImds } from "./fake-imds.ts";

let imds: FakeImds | undefined;
afterEach(async () => {
  await imds?.stop();
  imds = undefined;
});

async function token(endpoint: string, ttl = "60"): Promise<Response> {
  return await fetch(`${endpoint}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": ttl },
  });
}

describe("fake IMDS", () => {
  it("requires an IMDSv2 token and serves identity and tags", async () => {
    imds = await startFakeImds({
      instanceId: "i-0123456789abcdef0",
      region: "eu-west-1",
      tags: { "runs-fleet:pool": "warm", Name: "runner" },
    });
    const bare = await fetch(`${imds.endpoint}/latest/meta-data/instance-id`);
    expect(bare.status).toBe(401);

    expect((await token(imds.endpoint, "0")).status).toBe(400);
    const res = await token(imds.endpoint);
    expect(res.status).toBe(200);
    const t = await res.text();
    const get = async (path: string) => {
      const r = await fetch(`${imds!.endpoint}/latest/meta-data/${path}`, {
        headers: { "x-aws-ec2-metadata-token": t },
      });
      return { status: r.status, body: await r.text() };
    };
    expect(await get("instance-id")).toEqual({ status: 200, body: "i-0123456789abcdef0" });
    expect((await get("placement/availability-zone")).body).toBe("eu-west-1a");
    expect((await get("tags/instance")).body.split("\n").sort()).toEqual([
      "Name",
      "runs-fleet:pool",
    ]);
    expect((await get("tags/instance/runs-fleet:pool")).body).toBe("warm");
    expect((await get("spot/instance-action")).status).toBe(404);
    expect((await get("events/recommendations/rebalance")).status).toBe(404);

    imds.setSpotAction("terminate", new Date("2030-01-01T00:02:00Z"));
    imds.setRebalance("2030-01-01T00:00:00Z");
    expect(JSON.parse((await get("spot/instance-action")).body)).toEqual({
      action: "terminate",
      time: "2030-01-01T00:02:00Z",
    });
    expect(JSON.parse((await get("events/recommendations/rebalance")).body)).toEqual({
      noticeTime: "2030-01-01T00:00:00Z",
    });
    expect(imds.stats()).toMatchObject({ tokens: 1, unauthorized: 1 });
  });

  it("fails the next requests on demand", async () => {
    imds = await startFakeImds({ instanceId: "i-1" });
    imds.failNext(2);
    expect((await token(imds.endpoint)).status).toBe(503);
    expect((await token(imds.endpoint)).status).toBe(503);
    expect((await token(imds.endpoint)).status).toBe(200);
  });
});
