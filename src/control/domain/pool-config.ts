import { Cron } from "croner";
import * as v from "valibot";
import { explainLabels, rejectionReason } from "./labels-explain.ts";
import type { LabelOptions } from "./labels-types.ts";
import type { Spec } from "./spec.ts";

/** What a pool name may be (the `pool=` label value). */
export const poolNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;

const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000));

/** A cron expression croner accepts (five or six fields), checked without scheduling anything. */
const cronText = v.pipe(
  v.string(),
  v.check((text) => cronProblem(text) === null, "not a valid cron expression"),
);

/** An IANA time zone the runtime knows. */
const timezone = v.pipe(
  v.string(),
  v.check((zone) => zoneProblem(zone) === null, "not a known IANA time zone"),
);

/** One schedule: between a `cron` firing and the next `until` firing, these sizes apply. */
export const PoolScheduleSchema = v.strictObject({
  cron: cronText,
  until: cronText,
  timezone: v.optional(timezone, "UTC"),
  hot: count,
  stopped: count,
});
export type PoolSchedule = v.InferOutput<typeof PoolScheduleSchema>;

/** A pool as written in the fleet file's or the GitOps file's `pools:` section. */
export const PoolConfigSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(poolNamePattern, "must match ^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$")),
  /** The label grammar without the marker (`cpu=4/arch=arm64`); `runs-fleet/…` is accepted too. */
  spec: v.string(),
  hot: v.optional(count, 0),
  stopped: v.optional(count, 0),
  idleTimeoutMinutes: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(7 * 24 * 60)),
    30,
  ),
  /** Later entries win; outside every schedule the base sizes apply. */
  schedules: v.optional(v.array(PoolScheduleSchema), []),
  /** Pool instances are on-demand unless the pool says otherwise. */
  spot: v.optional(v.boolean(), false),
  /** Most instances the pool may hold at once, busy ones included; none means hot + stopped. */
  max: v.optional(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
    null,
  ),
});

/** A checked pool definition, as services see it. */
export type PoolDefinition = v.InferOutput<typeof PoolConfigSchema>;

/** A pool definition whose spec has been resolved like a label. */
export interface ResolvedPool {
  definition: PoolDefinition;
  spec: Spec;
}

/**
 * Checks a `pools:` section, listing every problem: shape, names (unique), cron expressions,
 * time zones, sizes above `max`, and — when `labels` is given — each spec resolved like a label
 * (a spec no instance type fits is a problem too).
 */
export function parsePoolDefinitions(
  input: unknown,
  labels?: LabelOptions,
): { ok: true; pools: PoolDefinition[] } | { ok: false; issues: string[] } {
  const parsed = v.safeParse(v.array(PoolConfigSchema), input ?? []);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.issues.map((i) => `pools.${v.getDotPath(i) ?? ""}: ${i.message}`),
    };
  }
  const issues: string[] = [];
  const seen = new Set<string>();
  parsed.output.forEach((pool, i) => {
    if (seen.has(pool.name)) issues.push(`pools.${i}.name: "${pool.name}" is defined twice`);
    seen.add(pool.name);
    const sizes = [{ at: "", hot: pool.hot, stopped: pool.stopped }].concat(
      pool.schedules.map((s, j) => ({ at: `.schedules.${j}`, hot: s.hot, stopped: s.stopped })),
    );
    for (const size of sizes) {
      if (pool.max !== null && size.hot + size.stopped > pool.max)
        issues.push(
          `pools.${i}${size.at}: hot + stopped (${size.hot + size.stopped}) exceeds max (${pool.max})`,
        );
    }
    if (labels) {
      const problem = specProblem(pool, labels);
      if (problem) issues.push(`pools.${i}.spec: ${problem}`);
    }
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, pools: parsed.output };
}

/** The pool's spec as a full label; its own `pool=` is implied. */
export function poolLabel(pool: Pick<PoolDefinition, "name" | "spec" | "spot">): string {
  const body = pool.spec === "runs-fleet" ? "" : pool.spec.replace(/^runs-fleet\//, "");
  const parts = body === "" ? [] : body.split("/");
  if (!parts.some((p) => p.startsWith("spot="))) parts.push(`spot=${pool.spot}`);
  parts.push(`pool=${pool.name}`);
  return ["runs-fleet", ...parts].join("/");
}

/** Resolves the pool's spec like a label; the parsed spec or why it cannot be launched. */
export function resolvePoolSpec(
  pool: PoolDefinition,
  labels: LabelOptions,
): { ok: true; spec: Spec } | { ok: false; reason: string } {
  if (/(^|\/)pool=/.test(pool.spec)) return { ok: false, reason: "a pool's spec sets no pool=" };
  // Aliases are for jobs' labels; a pool's spec is always written in the grammar itself.
  const result = explainLabels([poolLabel(pool)], { ...labels, aliases: [] });
  if (result.outcome === "accepted") return { ok: true, spec: result.spec };
  if (result.outcome === "rejected") return { ok: false, reason: rejectionReason(result.errors) };
  return { ok: false, reason: "not a runs-fleet spec" };
}

function specProblem(pool: PoolDefinition, labels: LabelOptions): string | null {
  const resolved = resolvePoolSpec(pool, labels);
  return resolved.ok ? null : resolved.reason;
}

function cronProblem(text: string): string | null {
  try {
    // Constructed paused and without a callback: croner only parses, nothing is scheduled.
    new Cron(text, { paused: true });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function zoneProblem(zone: string): string | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return null;
  } catch {
    return `unknown time zone ${zone}`;
  }
}
