// Run by Deno from deno-smoke.test.ts: the App auth path (JWT signed with Web Crypto from a
// PKCS#1 key, installation token, an API call) must work on Deno as it does on Node.
import * as v from "valibot";
import { systemClock } from "../../src/control/adapters/clock.ts";
import { GitHubConfigSchema } from "../../src/control/adapters/github/config.ts";
import { createGitHubApp } from "../../src/control/adapters/github/github-app.ts";
import { createMemoryMetrics } from "../../src/control/adapters/memory/metrics.ts";
import { createJsonLogger } from "../../src/shared/logger.ts";

declare const Deno: { env: { get(name: string): string | undefined }; exit(code: number): never };

const env = (name: string) => Deno.env.get(name) ?? "";
const metrics = createMemoryMetrics();
const github = createGitHubApp({
  config: v.parse(GitHubConfigSchema, {
    apps: [{ appId: env("SMOKE_APP_ID"), privateKey: env("SMOKE_PRIVATE_KEY") }],
    apiUrl: env("SMOKE_API_URL"),
  }),
  fetch: globalThis.fetch,
  clock: systemClock,
  logger: createJsonLogger({ level: "warn" }),
  metrics,
});
try {
  const repo = env("SMOKE_REPO");
  const status = await github.jobStatus({ repo, jobId: env("SMOKE_JOB_ID") });
  const config = await github.createRunnerConfig({
    jobId: "1",
    repo,
    labels: ["runs-fleet"],
    instanceId: "deno-1",
  });
  console.log(
    JSON.stringify({
      status,
      kind: config.kind,
      remaining: metrics.lastGauge("github.rate_limit.remaining"),
    }),
  );
} catch (err) {
  console.error(String(err));
  Deno.exit(1);
}
