/**
 * The agent as shipped: the compiled Linux x64 binary, against a fake IMDS and fauxqs on
 * loopback. Measures process start → first heartbeat received from the events queue, and the
 * agent's resident memory while it supervises a dry-run job and otherwise idles.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { agentEnvironment } from "../src/shared/agent-env.ts";
import { startFakeImds } from "../src/shared/fake-imds.ts";
import { binary, ensureBinary, firstEvent, rssMiB, stopAgent } from "./lib/agent-process.ts";
import { median, round, sleep } from "./lib/stats.ts";

const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };

export interface AgentOptions {
  /** Start → first heartbeat is measured this many times (fresh process each time). */
  starts: number;
  /** How long resident memory is sampled while the dry-run job runs. */
  sampleMs: number;
}

export const agentDefaults: AgentOptions = { starts: 5, sampleMs: 3_000 };

export async function runAgent(options: AgentOptions = agentDefaults) {
  const binaryState = ensureBinary();
  if (!binaryState.ok) return { skipped: binaryState.reason };
  const version = execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
  const dir = await mkdtemp(join(tmpdir(), "runs-fleet-bench-agent-"));
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const sqs = new SQSClient({ endpoint: fauxqs.address, region: "us-east-1", credentials });
  const children: ChildProcess[] = [];

  /** A fresh instance: its own IMDS, queue, config directory and spool. */
  const instance = async (n: number) => {
    const instanceId = `i-0bench${n.toString().padStart(10, "0")}`;
    const imds = await startFakeImds({
      instanceId,
      instanceType: "c7g.large",
      region: "us-east-1",
    });
    const url = fauxqs.createQueue(`bench-agent-events-${n}`).queueUrl;
    const configDir = join(dir, `configs-${n}`);
    await mkdir(configDir, { recursive: true });
    const env = agentEnvironment({
      eventsQueueUrl: url,
      sqsEndpoint: fauxqs.address,
      imdsEndpoint: imds.endpoint,
      runnerConfigSource: { kind: "file", dir: configDir },
      spoolDir: join(dir, `spool-${n}`),
      runnerDir: join(dir, `runner-${n}`),
      teardown: "exit",
      graceSeconds: 2,
      region: "us-east-1",
      credentials,
      logLevel: "warn",
    });
    const start = () => {
      const child = spawn(binary, [], {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...env },
        stdio: "ignore",
      });
      children.push(child);
      return child;
    };
    return { instanceId, imds, url, configDir, start };
  };

  try {
    const startups: number[] = [];
    for (let n = 1; n <= options.starts; n++) {
      const inst = await instance(n);
      const t0 = performance.now();
      const child = inst.start();
      const hb = await firstEvent(sqs, inst.url, "heartbeat", 15_000);
      if (hb) startups.push(performance.now() - t0);
      await stopAgent(child);
      await inst.imds.stop();
    }

    const inst = await instance(options.starts + 1);
    const child = inst.start();
    const samples: number[] = [];
    let supervised = false;
    if (await firstEvent(sqs, inst.url, "heartbeat", 15_000)) {
      const config = { kind: "dry-run", jobId: "1", runnerName: "bench", durationSeconds: 60 };
      const tmp = join(inst.configDir, `.${inst.instanceId}.tmp`);
      await writeFile(tmp, JSON.stringify(config));
      await rename(tmp, join(inst.configDir, `${inst.instanceId}.json`));
      supervised = (await firstEvent(sqs, inst.url, "started", 15_000)) !== null;
      // Let the start settle (the config read, the started event), then watch it idle.
      await sleep(500);
      const end = performance.now() + options.sampleMs;
      while (supervised && performance.now() < end && child.pid) {
        const mib = await rssMiB(child.pid);
        if (mib !== null) samples.push(mib);
        await sleep(100);
      }
    }
    await stopAgent(child);
    await inst.imds.stop();
    return {
      binary: "dist/agent/runs-fleet-agent-linux-x64",
      version,
      builtNow: binaryState.built,
      starts: options.starts,
      startToFirstHeartbeatMs: {
        median: round(median(startups), 0),
        min: round(Math.min(...startups), 0),
        max: round(Math.max(...startups), 0),
        measured: startups.length,
      },
      idleSupervisingRssMiB: supervised
        ? { median: round(median(samples), 1), max: round(Math.max(...samples), 1) }
        : null,
    };
  } finally {
    await Promise.all(children.map(stopAgent));
    sqs.destroy();
    await fauxqs.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
