import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.ts";
import { fixedClock } from "../adapters/clock.ts";
import { createMemoryConfigStore } from "../adapters/memory/config-store.ts";
import { defaultCatalog } from "../domain/catalog-default.ts";
import { createConfigService } from "../services/config/config-service.ts";
import { watchConfigFile } from "./config-file-watch.ts";

const fileWith = (hot: number) => `
placement: {}
pools:
  - { name: linux, spec: cpu=2, hot: ${hot} }
aliases:
  - { match: big, spec: cpu=8 }
`;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function setup() {
  dir = await mkdtemp(join(tmpdir(), "runs-fleet-config-"));
  const path = join(dir, "runs-fleet.yaml");
  const configs = createConfigService({
    store: createMemoryConfigStore(),
    clock: fixedClock(Date.parse("2026-04-01T00:00:00Z")),
    logger: silentLogger,
    labels: {
      catalog: defaultCatalog,
      regions: ["us-east-1"],
      defaultRegion: "us-east-1",
      environments: ["default"],
    },
    base: { pools: [], aliases: [] },
    repository: { repo: ".github-private", path: ".github/runs-fleet.yml" },
  });
  const watcher = watchConfigFile({ path, apply: configs.apply, logger: silentLogger });
  // Modification times set outright: the test never depends on the file system's clock.
  const write = async (text: string, mtime: number) => {
    await writeFile(path, text);
    await utimes(path, mtime, mtime);
  };
  return { configs, watcher, write };
}

describe("local config file", () => {
  it("is applied at start and re-read when it changes; an unchanged file does nothing", async () => {
    const { configs, watcher, write } = await setup();
    await write(fileWith(1), 1_000);
    expect(await watcher.check()).toMatchObject({ outcome: "applied", version: { version: 1 } });
    expect(await configs.active.get("linux")).toMatchObject({ hot: 1 });
    expect(await watcher.check()).toBeNull();

    await write(fileWith(3), 2_000);
    expect(await watcher.check()).toMatchObject({
      outcome: "applied",
      version: { version: 2, kind: "file" },
    });
    expect(await configs.active.get("linux")).toMatchObject({ hot: 3 });
    expect((await configs.active.aliases()).map((a) => a.kind)).toEqual(["match"]);
  });

  it("keeps the active config when the edited file is invalid, and names the problems", async () => {
    const { configs, watcher, write } = await setup();
    await write(fileWith(1), 1_000);
    await watcher.check();
    await write("pools: [ { name: linux, spec: cpu=2, hot: -1 }", 2_000);
    const refused = await watcher.check();
    expect(refused).toMatchObject({ outcome: "refused" });
    expect(refused?.outcome === "refused" && refused.problems[0]).toMatch(/^not valid YAML/);
    await write("pools:\n  - { name: linux, spec: cpu=2, hot: -1 }\n", 3_000);
    expect(await watcher.check()).toMatchObject({
      outcome: "refused",
      problems: [expect.stringMatching(/^pools\.0\.hot: /)],
    });
    expect(await configs.active.get("linux")).toMatchObject({ hot: 1 });
  });

  it("makes no new version when only the placement section changes", async () => {
    const { watcher, write } = await setup();
    await write(fileWith(1), 1_000);
    await watcher.check();
    await write(fileWith(1).replace("placement: {}", "placement: { regions: {} }"), 2_000);
    expect(await watcher.check()).toMatchObject({ outcome: "unchanged", version: { version: 1 } });
  });
});
