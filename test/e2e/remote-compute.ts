import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FleetError } from "../../src/control/domain/errors.ts";
import type { Compute, LaunchRequest, LaunchResult } from "../../src/control/ports/compute.ts";

/** A slot error as it crosses the wire. */
interface WireError {
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

/** A launch whose instances exist but whose answer is held back. */
export interface HeldLaunch {
  slotIds: string[];
  instanceIds: string[];
}

/**
 * Serves a compute over HTTP, so a control plane in another process launches on it as on EC2:
 * the instances belong to the provider and outlive the caller. With `hold` set, a launch's
 * instances are created but its answer never sent: a fleet call the caller is still waiting on.
 */
export async function serveCompute(compute: Compute) {
  const held: HeldLaunch[] = [];
  const waiting = new Set<ServerResponse>();
  let hold = false;

  const run = async (method: string, body: unknown): Promise<unknown> => {
    switch (method) {
      case "launch": {
        const result = await compute.launch(body as LaunchRequest);
        return {
          instances: result.instances,
          errors: result.errors.map(({ slotId, error }) => ({
            slotId,
            error: {
              code: error.code,
              message: error.message,
              retryable: error.retryable,
              ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
            },
          })),
        };
      }
      case "terminate":
        return await compute.terminate(body as string[]);
      case "stop":
        return await compute.stop(body as string[]);
      case "start":
        return await compute.start(body as string[]);
      case "describe":
        return await compute.describe(body as Parameters<Compute["describe"]>[0]);
      default:
        throw new Error(`no compute method ${method}`);
    }
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const method = (req.url ?? "/").slice(1);
    try {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const out = (await run(method, body)) ?? null;
      if (method === "launch" && hold) {
        const r = out as LaunchResult;
        held.push({
          slotIds: (body as LaunchRequest).slots.map((s) => s.slotId),
          instanceIds: r.instances.map((i) => i.instanceId),
        });
        // The request stays open: the caller waits on it until it dies.
        waiting.add(res);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(out));
    } catch (err) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: err instanceof Error ? err.message : String(err) }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Sets whether launches are answered (false) or held back after launching (true). */
    holdLaunches(on: boolean) {
      hold = on;
    },
    /** Launches held back so far. */
    held: () => held.map((h) => ({ ...h })),
    async stop() {
      for (const res of waiting) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A Compute that calls one served by `serveCompute`. */
export function remoteCompute(url: string): Compute {
  const call = async (method: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const out: unknown = await res.json();
    if (!res.ok) throw new FleetError("compute", (out as { message: string }).message);
    return out;
  };
  return {
    async launch(request) {
      const out = (await call("launch", request)) as {
        instances: LaunchResult["instances"];
        errors: Array<{ slotId: string; error: WireError }>;
      };
      return {
        instances: out.instances,
        errors: out.errors.map(({ slotId, error }) => ({
          slotId,
          error: new FleetError(error.code, error.message, {
            retryable: error.retryable,
            ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
          }),
        })),
      };
    },
    terminate: async (ids) => void (await call("terminate", ids)),
    stop: async (ids) => void (await call("stop", ids)),
    start: async (ids) => void (await call("start", ids)),
    describe: async (filter) =>
      (await call("describe", filter)) as Awaited<ReturnType<Compute["describe"]>>,
  };
}
