import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import * as v from "valibot";
import { bunExecutable } from "../../src/control/entry/bun-path.ts";
import { type AgentEnvOptions, agentEnvironment } from "../../src/shared/agent-env.ts";
import { type AgentEvent, AgentEventSchema } from "../../src/shared/events.ts";
import { type FakeImds, startFakeImds } from "../../src/shared/fake-imds.ts";
import { testCredentials } from "../support/moto.ts";

export const BUN = bunExecutable(process.cwd());
export const AGENT_SOURCE = join(process.cwd(), "src/agent/main.ts");

/** fauxqs on a fixed port, so a test can stop it (an outage) and bring it back at the same URL. */
export class Queue {
  private server: Awaited<ReturnType<typeof startFauxqs>> | undefined;
  readonly events: AgentEvent[] = [];
  private client: SQSClient | undefined;
  port = 0;
  url = "";
  endpoint = "";
  private polling = false;
  private loop: Promise<void> | undefined;

  async start(): Promise<void> {
    this.server = await startFauxqs({ port: this.port, logger: false });
    this.port = this.server.port;
    this.endpoint = `http://127.0.0.1:${this.port}`;
    this.url = this.server.createQueue("agent-events").queueUrl;
    this.client ??= new SQSClient({
      endpoint: this.endpoint,
      region: "us-east-1",
      credentials: testCredentials,
      maxAttempts: 1,
    });
    this.polling = true;
    this.loop = this.poll();
  }

  /** Simulates an outage: the queue is unreachable until `start()` again. */
  async stop(): Promise<void> {
    this.polling = false;
    await this.loop;
    await this.server?.stop();
    this.server = undefined;
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      try {
        const out = await this.client!.send(
          new ReceiveMessageCommand({
            QueueUrl: this.url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        const messages = out.Messages ?? [];
        for (const m of messages) {
          const parsed = v.safeParse(AgentEventSchema, JSON.parse(m.Body ?? "null"));
          if (!parsed.success) throw new Error(`not an agent event: ${m.Body}`);
          this.events.push(parsed.output);
        }
        if (messages.length > 0) {
          await this.client!.send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.url,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
        } else {
          await new Promise((r) => setTimeout(r, 50));
        }
      } catch (err) {
        if (this.polling) throw err;
      }
    }
  }

  of<T extends AgentEvent["type"]>(type: T): Extract<AgentEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
  }

  /** Waits until an event matching `predicate` has arrived (bounded by `timeoutMs`). */
  async waitFor<T extends AgentEvent["type"]>(
    type: T,
    predicate: (e: Extract<AgentEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<Extract<AgentEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(type).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${type} event within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(",")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A running agent process and what it printed. */
export interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the agent (from source under Bun, or a compiled binary) with `env`. */
export function spawnAgent(
  env: Record<string, string>,
  binary?: string,
  args: string[] = [],
): AgentProcess {
  const [cmd, argv] = binary ? [binary, args] : [BUN, [AGENT_SOURCE, ...args]];
  const child = spawn(cmd, argv, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, output: () => out, exited };
}

/** Waits for the agent to exit, failing with its output when it takes longer than `ms`. */
export async function exitOf(agent: AgentProcess, ms = 30_000): Promise<number | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      agent.child.kill("SIGKILL");
      reject(new Error(`agent still running after ${ms} ms:\n${agent.output()}`));
    }, ms);
  });
  try {
    return await Promise.race([agent.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** One agent's world: a fake IMDS, the events queue, temp dirs for configs and spool. */
export interface World {
  instanceId: string;
  imds: FakeImds;
  queue: Queue;
  dir: string;
  configDir: string;
  spoolDir: string;
  /** Agent environment for local mode with fast timings; `extra` overrides. */
  env(extra?: Partial<AgentEnvOptions>): Record<string, string>;
  /** Writes the runner config the way the control plane does (atomic rename). */
  giveConfig(doc: unknown): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

/** Builds a world for one agent. */
export async function createWorld(tags: Record<string, string> = {}, id?: string): Promise<World> {
  const instanceId = id ?? `i-${Date.now().toString(16)}${(counter++).toString(16)}`;
  const dir = await mkdtemp(join(tmpdir(), "agent-"));
  const configDir = join(dir, "configs");
  const spoolDir = join(dir, "spool");
  await mkdir(configDir);
  const imds = await startFakeImds({
    instanceId,
    region: "us-east-1",
    instanceType: "c7g.large",
    tags,
  });
  const queue = new Queue();
  await queue.start();
  return {
    instanceId,
    imds,
    queue,
    dir,
    configDir,
    spoolDir,
    env: (extra = {}) =>
      agentEnvironment({
        eventsQueueUrl: queue.url,
        sqsEndpoint: queue.endpoint,
        imdsEndpoint: imds.endpoint,
        runnerConfigSource: { kind: "file", dir: configDir },
        heartbeatSeconds: 0.2,
        interruptionPollSeconds: 0.1,
        configPollSeconds: 0.05,
        configPollMaxSeconds: 0.2,
        graceSeconds: 1,
        sendRetryMaxSeconds: 0.5,
        flushTimeoutSeconds: 20,
        spoolDir,
        runnerDir: join(dir, "runner"),
        teardown: "exit",
        region: "us-east-1",
        credentials: testCredentials,
        logLevel: "debug",
        ...extra,
      }),
    giveConfig: async (doc) => {
      const tmp = join(configDir, `.${instanceId}.tmp`);
      await writeFile(tmp, JSON.stringify(doc));
      await rename(tmp, join(configDir, `${instanceId}.json`));
    },
    close: async () => {
      await queue.stop();
      await imds.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
