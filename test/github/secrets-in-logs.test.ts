import { afterEach, describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/shared/logger.ts";
import { type Harness, harness } from "./harness.ts";

const repo = "acme/widgets";
const labels = ["runs-fleet/cpu=2"];
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("secrets in logs", () => {
  it("never logs installation tokens, JIT configs, registration tokens or the private key", async () => {
    h = await harness();
    h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    const base = { repo, labels, installationId: 7 };

    const jit = await h.github.createRunnerConfig({ ...base, jobId: "1", instanceId: "i-1" });
    h.fake.secondaryRateLimit(`/repos/${repo}/actions/runners/generate-jitconfig`, 1);
    await h.github.createRunnerConfig({ ...base, jobId: "2", instanceId: "i-2" });
    h.fake.state.jitEnabled = false;
    const registration = await h.github.createRunnerConfig({
      ...base,
      jobId: "3",
      instanceId: "i-3",
    });
    h.fake.fail({
      path: `/repos/${repo}/actions/runners/registration-token`,
      status: 500,
      times: 3,
    });
    const failure = await h.github
      .createRunnerConfig({ ...base, jobId: "4", instanceId: "i-4" })
      .catch((e) => e);
    // A caller that logs the error it got, and the config it made, still leaks nothing.
    const caller = createJsonLogger({ write: (line) => h!.logs.push(line) });
    caller.error("could not make runner config", { err: failure, jobId: "4" });
    caller.info("made runner configs", { jit, registration });

    expect(h.fake.secrets.length).toBeGreaterThanOrEqual(4);
    const text = h.logs.join("\n");
    for (const secret of h.fake.secrets) expect(text).not.toContain(secret);
    const keyBody = h.appKeys[0]!.pkcs1.split("\n").slice(1, 4).join("");
    expect(text).not.toContain(keyBody.slice(0, 40));
    // The logs are there and say what happened, just without the secrets.
    expect(text).toContain('"msg":"runner config created"');
    expect(text).toContain('"runnerName":"runs-fleet-1-i-1"');
    expect(text).toContain("GitHub rate limit hit");
    expect(text).toContain("JIT runner config refused");
    expect(text).toContain('"encodedJitConfig":"[redacted]"');
  });
});
