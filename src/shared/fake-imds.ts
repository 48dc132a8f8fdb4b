import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake instance looks like. */
export interface FakeImdsOptions {
  instanceId: string;
  instanceType?: string;
  region?: string;
  az?: string;
  amiId?: string;
  /** Instance tags, served under `meta-data/tags/instance` (instance metadata tags enabled). */
  tags?: Record<string, string>;
  /** Loopback address to bind; port 0 picks a free one. */
  host?: string;
  port?: number;
}

/** A running fake instance metadata service (IMDSv2 only). */
export interface FakeImds {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  /** Makes `meta-data/spot/instance-action` answer: EC2 will `action` the instance at `time`. */
  setSpotAction(action: "terminate" | "stop" | "hibernate", time: Date | string): void;
  /** Makes `meta-data/events/recommendations/rebalance` answer with this notice time. */
  setRebalance(time: Date | string): void;
  /** Removes any spot action and rebalance recommendation. */
  clearNotices(): void;
  /** Replaces the instance tags. */
  setTags(tags: Record<string, string>): void;
  /** The next `n` requests (of any kind) answer 503, to exercise client retries. */
  failNext(n: number): void;
  /** Counts of requests served, by kind, for assertions. */
  stats(): { tokens: number; unauthorized: number; failures: number; requests: number };
  stop(): Promise<void>;
}

const MAX_TTL = 21_600;

const iso = (t: Date | string) =>
  typeof t === "string" ? t : t.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Starts a fake IMDSv2 on loopback: token flow, identity, tags, spot and rebalance notices. */
export async function startFakeImds(options: FakeImdsOptions): Promise<FakeImds> {
  const region = options.region ?? "us-east-1";
  const az = options.az ?? `${region}a`;
  const instanceType = options.instanceType ?? "m7g.large";
  let tags = { ...(options.tags ?? {}) };
  let spot: { action: string; time: string } | undefined;
  let rebalance: { noticeTime: string } | undefined;
  let failures = 0;
  const tokens = new Map<string, number>();
  const counts = { tokens: 0, unauthorized: 0, failures: 0, requests: 0 };

  const metadata = (path: string): string | undefined => {
    const fixed: Record<string, string> = {
      "instance-id": options.instanceId,
      "instance-type": instanceType,
      "ami-id": options.amiId ?? "ami-00000000000000000",
      "placement/region": region,
      "placement/availability-zone": az,
      "local-ipv4": "127.0.0.1",
      hostname: `ip-127-0-0-1.${region}.compute.internal`,
    };
    if (path in fixed) return fixed[path];
    if (path === "tags/instance" || path === "tags/instance/") return Object.keys(tags).join("\n");
    if (path.startsWith("tags/instance/")) return tags[decodeURIComponent(path.slice(14))];
    if (path === "spot/instance-action") return spot && JSON.stringify(spot);
    if (path === "events/recommendations/rebalance") return rebalance && JSON.stringify(rebalance);
    return undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    counts.requests += 1;
    const send = (status: number, body = "", type = "text/plain") => {
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (failures > 0) {
      failures -= 1;
      counts.failures += 1;
      return send(503, "Service Unavailable");
    }
    const path = new URL(req.url ?? "/", "http://imds").pathname;
    if (path === "/latest/api/token") {
      if (req.method !== "PUT") return send(405);
      // IMDS refuses token requests that were forwarded (X-Forwarded-For) or carry no TTL.
      if (req.headers["x-forwarded-for"]) return send(403);
      const ttl = Number(req.headers["x-aws-ec2-metadata-token-ttl-seconds"]);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL) return send(400, "Bad Request");
      const token = randomUUID();
      tokens.set(token, Date.now() + ttl * 1000);
      counts.tokens += 1;
      res.setHeader("x-aws-ec2-metadata-token-ttl-seconds", String(ttl));
      return send(200, token);
    }
    if (req.method !== "GET" && req.method !== "HEAD") return send(405);
    const token = req.headers["x-aws-ec2-metadata-token"];
    const expiry = typeof token === "string" ? tokens.get(token) : undefined;
    if (expiry === undefined || expiry < Date.now()) {
      counts.unauthorized += 1;
      return send(401, "Unauthorized");
    }
    if (path === "/latest/dynamic/instance-identity/document") {
      const doc = {
        instanceId: options.instanceId,
        instanceType,
        region,
        availabilityZone: az,
        imageId: options.amiId ?? "ami-00000000000000000",
        architecture: instanceType.includes("g.") ? "arm64" : "x86_64",
        privateIp: "127.0.0.1",
      };
      return send(200, JSON.stringify(doc, null, 2), "application/json");
    }
    if (!path.startsWith("/latest/meta-data/")) return send(404, "Not Found");
    const value = metadata(path.slice("/latest/meta-data/".length));
    if (value === undefined) return send(404, "Not Found");
    return send(200, value);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host ?? "127.0.0.1"}:${addr.port}`,
    setSpotAction: (action, time) => {
      spot = { action, time: iso(time) };
    },
    setRebalance: (time) => {
      rebalance = { noticeTime: iso(time) };
    },
    clearNotices: () => {
      spot = undefined;
      rebalance = undefined;
    },
    setTags: (next) => {
      tags = { ...next };
    },
    failNext: (n) => {
      failures = n;
    },
    stats: () => ({ ...counts }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
