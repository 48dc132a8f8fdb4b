import * as v from "valibot";
import type { Identity } from "../config/resolve.ts";
import { retry } from "../util/backoff.ts";

/** A spot instance-action notice: EC2 will `action` the instance at `time`. */
export const SpotActionSchema = v.object({ action: v.string(), time: v.string() });
export type SpotAction = v.InferOutput<typeof SpotActionSchema>;

/** A rebalance recommendation: the instance is at elevated risk of interruption. */
export const RebalanceSchema = v.object({ noticeTime: v.string() });
export type Rebalance = v.InferOutput<typeof RebalanceSchema>;

/** An IMDS call failed; `retryable` for network errors, throttling and 5xx. */
export class ImdsError extends Error {
  override readonly name = "ImdsError";
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options of `createImdsClient`. */
export interface ImdsClientOptions {
  endpoint: string;
  /** Token lifetime asked for; the token is renewed a minute before it ends. */
  tokenTtlSeconds?: number;
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

/** The IMDSv2 calls the agent makes. */
export interface ImdsClient {
  /** A metadata path under `/latest/meta-data/`; undefined when IMDS answers 404. */
  get(path: string): Promise<string | undefined>;
  identity(): Promise<Identity>;
  /** Instance tags; empty when instance metadata tags are not enabled. */
  tags(): Promise<Record<string, string>>;
  spotAction(): Promise<SpotAction | undefined>;
  rebalance(): Promise<Rebalance | undefined>;
}

/** Creates an IMDSv2 client: session token (PUT with a TTL), retries with backoff. */
export function createImdsClient(options: ImdsClientOptions): ImdsClient {
  const base = options.endpoint.replace(/\/+$/, "");
  const ttl = options.tokenTtlSeconds ?? 21_600;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  let token: { value: string; expiresAt: number } | undefined;

  const call = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await doFetch(url, {
        ...init,
        signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
      });
    } catch (err) {
      throw new ImdsError(`IMDS unreachable at ${base}`, true, { cause: err });
    }
  };

  const fetchToken = async (): Promise<string> => {
    const res = await call(`${base}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": String(ttl) },
    });
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429;
      throw new ImdsError(`IMDS token request answered ${res.status}`, retryable);
    }
    const value = (await res.text()).trim();
    token = { value, expiresAt: now() + (ttl - 60) * 1000 };
    return value;
  };

  const once = async (path: string): Promise<string | undefined> => {
    const current = token && token.expiresAt > now() ? token.value : await fetchToken();
    const res = await call(`${base}${path}`, { headers: { "x-aws-ec2-metadata-token": current } });
    if (res.status === 404) return undefined;
    if (res.status === 401) {
      // The token expired or IMDS restarted: forget it so the retry asks for a new one.
      token = undefined;
      throw new ImdsError(`IMDS refused the token for ${path}`, true);
    }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429;
      throw new ImdsError(`IMDS answered ${res.status} for ${path}`, retryable);
    }
    return await res.text();
  };

  const getRaw = (path: string) =>
    retry(() => once(path), {
      attempts: options.attempts ?? 5,
      baseMs: options.baseMs ?? 100,
      maxMs: options.maxMs ?? 2000,
      shouldRetry: (err) => !(err instanceof ImdsError) || err.retryable,
    });
  const get = (path: string) => getRaw(`/latest/meta-data/${path}`);

  const json = async <S extends v.GenericSchema>(path: string, schema: S) => {
    const text = await get(path);
    if (text === undefined) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ImdsError(`IMDS ${path} is not JSON`, false);
    }
    const parsed = v.safeParse(schema, raw);
    if (!parsed.success) throw new ImdsError(`IMDS ${path}: ${v.summarize(parsed.issues)}`, false);
    return parsed.output as v.InferOutput<S>;
  };

  return {
    get,
    identity: async () => {
      const instanceId = await get("instance-id");
      if (!instanceId) throw new ImdsError("IMDS has no instance-id", false);
      const [instanceType, region, availabilityZone] = await Promise.all([
        get("instance-type"),
        get("placement/region"),
        get("placement/availability-zone"),
      ]);
      return { instanceId: instanceId.trim(), instanceType, region, availabilityZone };
    },
    tags: async () => {
      const list = await get("tags/instance");
      if (!list) return {};
      const keys = list
        .split("\n")
        .map((k) => k.trim())
        .filter((k) => k !== "");
      const values = await Promise.all(
        keys.map((k) => get(`tags/instance/${encodeURIComponent(k)}`)),
      );
      const out: Record<string, string> = {};
      keys.forEach((k, i) => {
        const value = values[i];
        if (value !== undefined) out[k] = value;
      });
      return out;
    },
    spotAction: () => json("spot/instance-action", SpotActionSchema),
    rebalance: () => json("events/recommendations/rebalance", RebalanceSchema),
  };
}
