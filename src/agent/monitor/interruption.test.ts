import { afterEach, describe, expect, it } from "vitest";
import { type FakeImds, startFakeImds } from "../../shared/fake-imds.ts";
import { createImdsClient } from "../imds/client.ts";
import { createInterruptionCheck, spotStopAt } from "./interruption.ts";

let imds: FakeImds | undefined;
afterEach(async () => {
  await imds?.stop();
});

describe("interruption check", () => {
  it("reports each kind of notice once, when it appears", async () => {
    imds = await startFakeImds({ instanceId: "i-1" });
    const check = createInterruptionCheck(createImdsClient({ endpoint: imds.endpoint }));
    expect(await check()).toEqual([]);
    imds.setRebalance("2030-01-01T00:00:00Z");
    expect(await check()).toEqual([
      { kind: "rebalance", rebalance: { noticeTime: "2030-01-01T00:00:00Z" } },
    ]);
    expect(await check()).toEqual([]);
    imds.setSpotAction("terminate", "2030-01-01T00:02:00Z");
    expect(await check()).toEqual([
      { kind: "spot", action: { action: "terminate", time: "2030-01-01T00:02:00Z" } },
    ]);
    expect(await check()).toEqual([]);
  });

  it("stops the runner early enough before the spot action", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(spotStopAt("2030-01-01T00:02:00Z", now, 25_000, 15_000)).toBe(now + 80_000);
    expect(spotStopAt("2030-01-01T00:00:10Z", now, 25_000, 15_000)).toBe(now);
    expect(spotStopAt("garbage", now, 25_000, 15_000)).toBe(now);
  });
});
