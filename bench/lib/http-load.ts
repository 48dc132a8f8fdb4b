/**
 * Load generation over loopback HTTP with keep-alive connections (node:http, which costs the
 * client less than fetch, so more of the machine is left to the server being measured).
 */
import { Agent, request } from "node:http";
import * as v from "valibot";
import type { Delivery } from "./webhooks.ts";

export interface Answer {
  status: number;
  body: string;
  latencyMs: number;
}

/** POSTs one delivery and reads the whole answer. */
export function post(agent: Agent, url: URL, d: Delivery): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { ...d.headers, "content-length": Buffer.byteLength(d.body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            latencyMs: performance.now() - start,
          }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("no answer within 30 s")));
    req.on("error", reject);
    req.end(d.body);
  });
}

/** A keep-alive agent for loopback load; `sockets` bounds the connections. */
export const loopbackAgent = (sockets: number) =>
  new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });

/** Where `url` must point: load goes to loopback addresses only. */
export function assertLoopback(url: URL): void {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    throw new Error(`refusing to generate load against ${url.hostname}: loopback only`);
}

export interface ClosedLoopResult {
  answers: Answer[];
  failures: string[];
  elapsedMs: number;
}

/**
 * Sends every delivery with `concurrency` requests in flight (each sender waits for its answer
 * before the next). Stops early at `deadlineMs` so a slow variant cannot overrun the run.
 */
export async function closedLoop(
  url: URL,
  deliveries: readonly Delivery[],
  concurrency: number,
  deadlineMs: number,
): Promise<ClosedLoopResult> {
  assertLoopback(url);
  const agent = loopbackAgent(concurrency);
  const answers: Answer[] = [];
  const failures: string[] = [];
  let next = 0;
  const start = performance.now();
  const sender = async () => {
    while (next < deliveries.length && performance.now() - start < deadlineMs) {
      const d = deliveries[next++] as Delivery;
      try {
        answers.push(await post(agent, url, d));
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  return { answers, failures, elapsedMs };
}

const IntakeAnswer = v.object({ outcome: v.string() });

/** The intake's `outcome` in an answer body (`queued`, `duplicate`…), or null. */
export function outcomeOf(body: string): string | null {
  try {
    const parsed = v.safeParse(IntakeAnswer, JSON.parse(body));
    return parsed.success ? parsed.output.outcome : null;
  } catch {
    return null;
  }
}
