/**
 * One intake variant behind a real HTTP server on loopback, in its own process so the load
 * generator does not share its event loop. Prints `{"port":…}` once listening; SIGTERM stops it.
 *
 *   ceiling  a bare Hono handler answering 202: the HTTP stack and router alone
 *   memory   the control plane's app on in-memory ports: the intake code's own cost
 *   local    the control plane's app in local mode: dynalite on disk and fauxqs, in process
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { buildPlane, type PlaneKind } from "./lib/planes.ts";

const kind = process.argv[2];
if (kind !== "ceiling" && kind !== "memory" && kind !== "local") {
  console.error("usage: intake-server.ts ceiling|memory|local");
  process.exit(2);
}

let fetch: (req: Request) => Response | Promise<Response>;
let close = async () => {};
if (kind === "ceiling") {
  const bare = new Hono();
  bare.post("/webhook", (c) => c.body(null, 202));
  fetch = bare.fetch;
} else {
  const built = await buildPlane(kind as PlaneKind);
  fetch = built.plane.app.fetch;
  close = built.close;
}

const server = serve({ fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  server.close();
  void close().finally(() => process.exit(0));
});
