/** Helpers of the agent benchmark: the binary, its events on the queue, its memory. */
import { type ChildProcess, execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import * as v from "valibot";
import { type AgentEvent, AgentEventSchema } from "../../src/shared/events.ts";

const root = join(import.meta.dirname, "../..");
/** The compiled agent `npm run build:agent` makes for this platform. */
export const binary = join(root, "dist/agent/runs-fleet-agent-linux-x64");

/** Newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

/** The binary, built when missing or older than the agent's sources; or why there is none. */
export function ensureBinary(): { ok: true; built: boolean } | { ok: false; reason: string } {
  if (process.platform !== "linux" || process.arch !== "x64")
    return {
      ok: false,
      reason: `the compiled agent is measured on linux-x64, not ${process.platform}-${process.arch}`,
    };
  const sources = Math.max(newest(join(root, "src/agent")), newest(join(root, "src/shared")));
  if (existsSync(binary) && statSync(binary).mtimeMs >= sources) return { ok: true, built: false };
  try {
    execFileSync(
      process.execPath,
      ["--import", "tsx", "scripts/build-agent.ts", "--targets", "linux-x64"],
      {
        cwd: root,
        stdio: ["ignore", "ignore", "pipe"],
        timeout: 240_000,
      },
    );
    return { ok: true, built: true };
  } catch (err) {
    return {
      ok: false,
      reason: `building the agent failed: ${err instanceof Error ? err.message.split("\n")[0] : err}`,
    };
  }
}

/** Waits for the first event of `type` on the queue, deleting what it reads. */
export async function firstEvent(
  sqs: SQSClient,
  url: string,
  type: AgentEvent["type"],
  timeoutMs: number,
): Promise<AgentEvent | null> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of out.Messages ?? []) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      let raw: unknown;
      try {
        raw = JSON.parse(m.Body ?? "");
      } catch {
        continue;
      }
      const parsed = v.safeParse(AgentEventSchema, raw);
      if (parsed.success && parsed.output.type === type) return parsed.output;
    }
  }
  return null;
}

export async function stopAgent(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process, from /proc, in MiB. */
export async function rssMiB(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}
