import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEventFactory } from "./build.ts";
import { createSpool } from "./spool.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("spool", () => {
  it("keeps events in order across instances of the spool, and forgets removed ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spool-"));
    dirs.push(dir);
    const f = createEventFactory({ instanceId: "i-1" });
    const first = createSpool(dir);
    const events = Array.from({ length: 12 }, (_, i) => f.make("heartbeat", { uptimeSeconds: i }));
    for (const e of events) await first.put(e);

    const reopened = createSpool(dir);
    const batch = await reopened.list(10);
    expect(batch.map((s) => s.event)).toEqual(events.slice(0, 10));
    await reopened.remove(batch.map((s) => s.file));
    expect((await reopened.list(10)).map((s) => s.event)).toEqual(events.slice(10));
  });

  it("sets aside files it cannot read instead of blocking on them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spool-"));
    dirs.push(dir);
    await writeFile(join(dir, "000000000000001-000000-x.json"), "{not json");
    const spool = createSpool(dir);
    const e = createEventFactory({ instanceId: "i-1" }).make("heartbeat", { uptimeSeconds: 1 });
    await spool.put(e);
    expect((await spool.list()).map((s) => s.event)).toEqual([e]);
    expect((await readdir(dir)).filter((n) => n.endsWith(".bad"))).toHaveLength(1);
  });
});
