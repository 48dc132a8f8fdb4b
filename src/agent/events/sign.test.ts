import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyEventSignature } from "../../shared/event-signature.ts";
import { silentLogger } from "../../shared/logger.ts";
import type { RunnerConfigStore } from "../runner-config/store.ts";
import { adoptingEventKey, loadEventSigner } from "./sign.ts";

describe("event signer", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "signer-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const key = "c4".repeat(32);

  it("signs nothing until the runner config hands over the key, then keeps it for a restart", async () => {
    const file = join(dir, "spool", "event-key");
    const signer = await loadEventSigner(file, silentLogger);
    expect(await signer.sign("{}")).toBeUndefined();
    const store: RunnerConfigStore = {
      take: async () => ({
        status: "ready",
        config: {
          eventKey: key,
          kind: "dry-run",
          jobId: "1",
          runnerName: "r",
          durationSeconds: 1,
          outcome: "success",
        },
      }),
    };
    await adoptingEventKey(store, signer).take("i-1");
    const signature = await signer.sign('{"a":1}');
    expect(await verifyEventSignature(key, '{"a":1}', signature ?? "")).toBe(true);
    expect(await readFile(file, "utf8")).toBe(key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // The next agent start on this disk signs what is still spooled.
    const again = await loadEventSigner(file, silentLogger);
    expect(await again.sign('{"a":1}')).toBe(signature);
  });
});
