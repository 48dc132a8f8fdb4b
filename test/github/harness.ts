import * as v from "valibot";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { type GitHubConfig, GitHubConfigSchema } from "../../src/control/adapters/github/config.ts";
import { createGitHubApp } from "../../src/control/adapters/github/github-app.ts";
import type { RetryPolicy } from "../../src/control/adapters/github/retry.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { createJsonLogger } from "../../src/shared/logger.ts";
import { type FakeGitHubOptions, startFakeGitHub } from "../support/fake-github.ts";
import { type AppKey, generateAppKey } from "../support/fake-github-keys.ts";

// Key generation is the slow part of a setup; one pair per App slot serves every test.
const keys: AppKey[] = [];
function keyFor(i: number): AppKey {
  keys[i] ??= generateAppKey();
  return keys[i];
}

export interface HarnessOptions extends FakeGitHubOptions {
  /** How many Apps to configure (ids "101", "102"…); installations are added by the test. */
  apps?: number;
  keyFormat?: "pkcs1" | "pkcs8";
  config?: Partial<Omit<GitHubConfig, "apps">>;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
}

/**
 * A fake GitHub, the App adapter pointed at it, a fixed clock shared by both (sleeping moves
 * it), captured log lines and in-memory metrics.
 */
export async function harness(options: HarnessOptions = {}) {
  const clock = fixedClock(Date.now());
  const fake = await startFakeGitHub({ now: clock.now, ...options });
  const appKeys = Array.from({ length: options.apps ?? 1 }, (_, i) => keyFor(i));
  const apps = appKeys.map((k, i) => {
    const appId = String(101 + i);
    fake.addApp(appId, k.publicKey);
    return { appId, privateKey: options.keyFormat === "pkcs8" ? k.pkcs8 : k.pkcs1 };
  });
  const config = v.parse(GitHubConfigSchema, { apps, apiUrl: fake.url, ...options.config });
  const logs: string[] = [];
  const logger = createJsonLogger({
    level: "debug",
    write: (line) => logs.push(line),
    clock: clock.now,
  });
  const metrics = createMemoryMetrics();
  const sleeps: number[] = [];
  const github = createGitHubApp({
    config,
    fetch: globalThis.fetch,
    clock,
    logger,
    metrics,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    random: options.random ?? (() => 0.5),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return { fake, github, clock, logs, metrics, sleeps, config, appKeys, stop: () => fake.stop() };
}
export type Harness = Awaited<ReturnType<typeof harness>>;
