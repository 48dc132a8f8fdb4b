import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLambda, lambdaBundleName, lambdaConfigName } from "../../deploy/build-lambda.ts";
import { ADMIN_TOKEN, WEBHOOK_SECRET } from "../support/app.ts";
import { awsFleetFile, githubAppEnv } from "../support/aws-mode.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";
import { unzip } from "./unzip.ts";

let dir: string;
let b: Backends;
let built: Awaited<ReturnType<typeof buildLambda>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "runs-fleet-lambda-"));
  const config = join(dir, "fleet.yaml");
  writeFileSync(config, awsFleetFile);
  built = await buildLambda({ outDir: join(dir, "out"), configFile: config });
  b = await startBackends();
});
afterAll(async () => {
  await b?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A function URL request (payload format 2.0) with no body. */
function functionUrlEvent(path: string) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "abc.lambda-url.us-east-1.on.aws" },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc",
      domainName: "abc.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc",
      http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "t" },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: "23/Nov/2026:00:00:00 +0000",
      timeEpoch: 1795000000000,
    },
    isBase64Encoded: false,
  };
}

/**
 * Imports the handler from `taskRoot` in a fresh Node process, as the Lambda runtime does, and
 * calls it once with `event`; resolves with what the handler returned.
 */
function invoke(taskRoot: string, env: Record<string, string>, event: unknown): Promise<unknown> {
  const runner = join(taskRoot, "invoke.mjs");
  writeFileSync(
    runner,
    [
      `import { handler } from "./${lambdaBundleName}";`,
      "const out = await handler(JSON.parse(process.argv[2]), { getRemainingTimeInMillis: () => 30000 });",
      "process.stdout.write(JSON.stringify(out));",
    ].join("\n"),
  );
  // Asynchronous: dynalite and fauxqs answer from this process's event loop.
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, JSON.stringify(event)], {
      cwd: taskRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`handler process exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

describe("deploy/build-lambda.ts", () => {
  it("packages the bundle, its source map and the config file", () => {
    const files = unzip(readFileSync(built.zip!));
    expect([...files.keys()]).toEqual([
      lambdaBundleName,
      `${lambdaBundleName}.map`,
      lambdaConfigName,
    ]);
    expect(new TextDecoder().decode(files.get(lambdaConfigName))).toBe(awsFleetFile);
    const bundle = new TextDecoder().decode(files.get(lambdaBundleName));
    // The SDK is inside the bundle, not left to the runtime.
    expect(bundle).not.toMatch(/from\s*"@aws-sdk\//);
  });

  it("makes a handler that answers a function URL request from the unzipped package", async () => {
    const taskRoot = join(dir, "task");
    mkdirSync(taskRoot);
    for (const [name, data] of unzip(readFileSync(built.zip!)))
      writeFileSync(join(taskRoot, name), data);
    const env = {
      RUNS_FLEET_MODE: "aws",
      RUNS_FLEET_CONFIG_FILE: join(taskRoot, lambdaConfigName),
      RUNS_FLEET_DYNAMODB_ENDPOINT: b.db.endpoint,
      RUNS_FLEET_SQS_ENDPOINT: b.sqs.endpoint,
      RUNS_FLEET_JOB_QUEUE_URL: b.newQueue(),
      RUNS_FLEET_EVENTS_QUEUE_URL: b.newQueue("events"),
      RUNS_FLEET_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RUNS_FLEET_ADMIN_TOKEN: ADMIN_TOKEN,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      ...githubAppEnv(),
    };
    const res = (await invoke(taskRoot, env, functionUrlEvent("/readyz"))) as {
      statusCode: number;
      body: string;
    };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      ok: true,
      checks: [
        expect.objectContaining({ name: "dynamodb", ok: true }),
        expect.objectContaining({ name: "sqs", ok: true }),
      ],
    });
  });

  it("refuses a config file without placement before bundling", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "aliases: []\n");
    await expect(buildLambda({ outDir: join(dir, "bad"), configFile: bad })).rejects.toThrow(
      /placement section/,
    );
  });

  it("leaves the AWS SDK to the runtime when asked", async () => {
    const out = await buildLambda({ outDir: join(dir, "external"), externalSdk: true, zip: false });
    expect(out.zip).toBeNull();
    expect(out.files).toEqual([lambdaBundleName, `${lambdaBundleName}.map`]);
    expect(readFileSync(out.bundle, "utf8")).toMatch(/from\s*"@aws-sdk\/client-sqs"/);
  });
});
