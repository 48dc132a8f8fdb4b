import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { access, chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnvFile } from "../../src/agent/config/env-file.ts";
import { parseAgentEnv } from "../../src/shared/agent-env.ts";
import { verifyEventSignature } from "../../src/shared/event-signature.ts";
import { type FakeImds, startFakeImds } from "../../src/shared/fake-imds.ts";
import { testCredentials } from "../support/moto.ts";
import { Queue } from "./harness.ts";

const SCRIPT = join(process.cwd(), "scripts/bootstrap.sh");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const shellcheckSkip =
  "shellcheck is not installed (apt-get install -y shellcheck); skipping the lint of bootstrap.sh";
if (!has("shellcheck")) console.warn(shellcheckSkip);
const awsSkip =
  "the AWS CLI is not installed: skipping the check that bootstrap_failed reaches the queue";
if (!has("aws")) console.warn(awsSkip);

describe("bootstrap.sh", () => {
  it.skipIf(!has("shellcheck"))("passes shellcheck", () => {
    const r = spawnSync("shellcheck", [SCRIPT], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

const arch = process.arch === "arm64" ? "arm64" : "x64";

describe.skipIf(process.platform !== "linux")("bootstrap.sh against the fake IMDS", () => {
  let dir: string;
  let imds: FakeImds;
  let queue: Queue;
  let http: Server;
  let base: string;
  const agentBytes = "#!/bin/sh\necho stand-in agent\n";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bootstrap-"));
    const pub = join(dir, "pub");
    await mkdir(pub);
    await writeFile(join(pub, `runs-fleet-agent-linux-${arch}`), agentBytes);
    const sum = createHash("sha256").update(agentBytes).digest("hex");
    await writeFile(join(pub, "SHA256SUMS"), `${sum}  runs-fleet-agent-linux-${arch}\n`);
    http = createServer(async (req, res) => {
      const body = await readFile(join(pub, (req.url ?? "/").slice(1))).catch(() => undefined);
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    imds = await startFakeImds({
      instanceId: "i-0b007",
      region: "eu-west-1",
      tags: { "runs-fleet:agent-url": base },
    });
    queue = new Queue();
    await queue.start();
    // Stand-in for systemctl: records what it was asked to do.
    await writeFile(join(dir, "systemctl"), `#!/bin/sh\necho "$@" >> "${dir}/systemctl.log"\n`);
    await chmod(join(dir, "systemctl"), 0o755);
  });
  afterAll(async () => {
    await queue?.stop();
    await imds?.stop();
    await new Promise((r) => http?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  function run(root: string, extra: Record<string, string> = {}) {
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
      RUNS_FLEET_IMDS_ENDPOINT: imds.endpoint,
      RUNS_FLEET_BOOTSTRAP_LOG: join(root, "bootstrap.log"),
      RUNS_FLEET_INSTALL_DIR: join(root, "bin"),
      RUNS_FLEET_ETC_DIR: join(root, "etc"),
      RUNS_FLEET_SYSTEMD_DIR: join(root, "systemd"),
      RUNS_FLEET_SYSTEMCTL: join(dir, "systemctl"),
      RUNS_FLEET_SHUTDOWN_COMMAND: `touch ${join(root, "shutdown-ran")}`,
      RUNS_FLEET_EVENTS_QUEUE_URL: queue.url,
      RUNS_FLEET_SQS_ENDPOINT: queue.endpoint,
      RUNS_FLEET_HEARTBEAT_SECONDS: "10",
      ...extra,
    };
    return new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn("bash", [SCRIPT], { env, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      child.once("exit", (code) => resolve({ code, stderr }));
    });
  }

  const exists = (p: string) =>
    access(p).then(
      () => true,
      () => false,
    );

  it("installs the agent, its env file and unit, starts it, and is idempotent", async () => {
    const root = join(dir, "ok");
    const first = await run(root);
    expect(first.code, first.stderr).toBe(0);
    const agent = join(root, "bin/runs-fleet-agent");
    expect(await readFile(agent, "utf8")).toBe(agentBytes);
    expect((await stat(agent)).mode & 0o777).toBe(0o755);

    const envFile = await readFile(join(root, "etc/agent.env"), "utf8");
    const vars = parseEnvFile(envFile).vars;
    expect(vars).toMatchObject({
      AWS_REGION: "eu-west-1",
      RUNS_FLEET_EVENTS_QUEUE_URL: queue.url,
      RUNS_FLEET_HEARTBEAT_SECONDS: "10",
    });
    expect(vars.RUNS_FLEET_INSTALL_DIR).toBeUndefined();
    expect(Number(vars.RUNS_FLEET_BOOT_STARTED_AT)).toBeGreaterThan(0);
    expect(parseAgentEnv(vars).ok).toBe(true);
    expect((await stat(join(root, "etc/agent.env"))).mode & 0o777).toBe(0o600);

    const unit = await readFile(join(root, "systemd/runs-fleet-agent.service"), "utf8");
    expect(unit).toContain(`ExecStart=${agent} --env-file ${join(root, "etc/agent.env")}`);
    expect(await readFile(join(dir, "systemctl.log"), "utf8")).toContain(
      "daemon-reload\nenable --now runs-fleet-agent.service\n",
    );

    // A reboot runs it again: same result, no second download.
    const again = await run(root);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("already installed");
    expect(await exists(join(root, "shutdown-ran"))).toBe(false);
  });

  it("refuses a binary with the wrong checksum, reports bootstrap_failed and shuts down", async () => {
    const root = join(dir, "bad");
    const r = await run(root, { RUNS_FLEET_AGENT_SHA256: "0".repeat(64) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("checksum mismatch");
    expect(await exists(join(root, "shutdown-ran"))).toBe(true);
    expect(await exists(join(root, "bin/runs-fleet-agent"))).toBe(false);
    if (!has("aws")) return;
    const event = await queue.waitFor("bootstrap_failed", (e) => e.instanceId === "i-0b007");
    expect(event.stage).toBe("verify");
    expect(event.logTail).toContain("checksum mismatch");
  });

  it.skipIf(!has("aws") || !has("openssl"))(
    "signs bootstrap_failed with the event key of a runner config already written",
    async () => {
      const root = join(dir, "signed");
      const configs = join(root, "configs");
      await mkdir(configs, { recursive: true });
      const key = "ab".repeat(32);
      await writeFile(
        join(configs, "i-0b007.json"),
        JSON.stringify({
          eventKey: key,
          kind: "dry-run",
          jobId: "1",
          runnerName: "r",
          durationSeconds: 1,
        }),
      );
      // A queue of its own, read with its attributes (the shared one keeps only bodies).
      const sqs = await startFauxqs({ port: 0, logger: false });
      const url = sqs.createQueue("signed-events").queueUrl;
      const client = new SQSClient({
        endpoint: sqs.address,
        region: "us-east-1",
        credentials: testCredentials,
      });
      try {
        const r = await run(root, {
          RUNS_FLEET_AGENT_SHA256: "0".repeat(64),
          RUNS_FLEET_RUNNER_CONFIG_SOURCE: `file:${configs}`,
          RUNS_FLEET_EVENTS_QUEUE_URL: url,
          RUNS_FLEET_SQS_ENDPOINT: sqs.address,
        });
        expect(r.code).toBe(1);
        const out = await client.send(
          new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"] }),
        );
        const [m] = out.Messages ?? [];
        expect(JSON.parse(m?.Body ?? "{}")).toMatchObject({
          type: "bootstrap_failed",
          instanceId: "i-0b007",
        });
        const signature = m?.MessageAttributes?.signature?.StringValue ?? "";
        expect(await verifyEventSignature(key, m?.Body ?? "", signature)).toBe(true);
      } finally {
        client.destroy();
        await sqs.stop();
      }
    },
  );

  it.skipIf(!has("aws"))(
    "sends bootstrap_failed unsigned when no runner config is there yet",
    async () => {
      const root = join(dir, "unsigned");
      const r = await run(root, {
        RUNS_FLEET_AGENT_SHA256: "0".repeat(64),
        RUNS_FLEET_RUNNER_CONFIG_SOURCE: `file:${join(root, "none")}`,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("bootstrap_failed goes unsigned");
    },
  );
});
