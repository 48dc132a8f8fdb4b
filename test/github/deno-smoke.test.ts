import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../support/fake-github.ts";
import { generateAppKey } from "../support/fake-github-keys.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
let fake: FakeGitHub;
const key = generateAppKey();

describe("GitHub App auth on Deno", () => {
  beforeAll(async () => {
    fake = await startFakeGitHub();
    fake.addApp("101", key.publicKey);
    fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
    fake.setJob("acme/widgets", 42, "in_progress");
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("gets an installation token with a PKCS#1 key and calls the API", async () => {
    // Async on purpose: the fake server answers from this process while Deno runs.
    const { stdout } = await promisify(execFile)(
      "npx",
      [
        "deno",
        "run",
        "--config",
        "deno.json",
        "--allow-net",
        "--allow-read",
        "--allow-env",
        "test/github/deno-smoke.ts",
      ],
      {
        cwd: root,
        timeout: 120_000,
        env: {
          ...process.env,
          SMOKE_APP_ID: "101",
          SMOKE_PRIVATE_KEY: key.pkcs1,
          SMOKE_API_URL: fake.url,
          SMOKE_REPO: "acme/widgets",
          SMOKE_JOB_ID: "42",
        },
      },
    );
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual({
      status: "in_progress",
      kind: "jit",
      remaining: expect.any(Number),
    });
    expect(fake.calls.find((c) => c.path === "/app/installations/7/access_tokens")).toMatchObject({
      auth: "jwt",
      status: 201,
    });
    expect(fake.calls.filter((c) => c.status === 401)).toEqual([]);
  });
});
