import * as v from "valibot";
import { ValidationError } from "../../domain/errors.ts";
import type { AdminActions } from "../../services/admin/actions.ts";
import type { ActionContext } from "../../services/admin/audit.ts";

const Name = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "is not a name or id"),
);
const JobId = v.pipe(v.string(), v.regex(/^\d{1,20}$/, "must be a GitHub job id (digits)"));
const InstanceType = v.pipe(
  v.string(),
  v.regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, "is not an instance type"),
  v.maxLength(64),
);
const Count = v.pipe(
  v.string(),
  v.regex(/^\d{1,3}$/, "must be a whole number"),
  v.transform(Number),
  v.maxValue(500),
);
const Minutes = v.pipe(
  v.string(),
  v.regex(/^\d{1,5}$/, "must be a whole number"),
  v.transform(Number),
  v.minValue(1),
  v.maxValue(10080),
);

interface UiAction {
  /** How the confirmation asks. */
  question(target: string): string;
  run(actions: AdminActions, ctx: ActionContext, form: Record<string, string>): Promise<string>;
}

function parse<T extends v.GenericSchema>(
  schema: T,
  value: unknown,
  what: string,
): v.InferOutput<T> {
  const out = v.safeParse(schema, value);
  if (!out.success) throw new ValidationError(`${what} ${v.summarize(out.issues)}`);
  return out.output;
}

/** The dashboard's admin actions by their form name: each maps to the same audited action as the API. */
export const uiActions: Record<string, UiAction> = {
  "reset-circuit": {
    question: (t) => `Close the circuit of ${t}?`,
    run: async (a, ctx, f) => {
      const type = parse(InstanceType, f.target, "instance type");
      await a.resetCircuit(ctx, type);
      return `Circuit ${type} reset.`;
    },
  },
  "cancel-job": {
    question: (t) => `Cancel queued job ${t}?`,
    run: async (a, ctx, f) => {
      const id = parse(JobId, f.target, "job");
      await a.cancelJob(ctx, id);
      return `Job ${id} cancelled.`;
    },
  },
  "retry-job": {
    question: (t) => `Ask GitHub to re-run job ${t}?`,
    run: async (a, ctx, f) => {
      const id = parse(JobId, f.target, "job");
      const answer = await a.retryJob(ctx, id);
      return answer === "rerun"
        ? `GitHub re-runs job ${id}.`
        : `Job ${id} is already running again.`;
    },
  },
  "terminate-instance": {
    question: (t) => `Terminate instance ${t}?`,
    run: async (a, ctx, f) => {
      const id = parse(Name, f.target, "instance");
      await a.terminateInstance(ctx, id);
      return `Instance ${id} terminated.`;
    },
  },
  "redrive-dlq": {
    question: () => "Move every dead letter back to its queue now?",
    run: async (a, ctx) => {
      await a.redriveDlq(ctx);
      return "Dead-letter queues redriven.";
    },
  },
  "pause-pool": {
    question: (t) => `Pause pool ${t}?`,
    run: async (a, ctx, f) => {
      const name = parse(Name, f.target, "pool");
      await a.pausePool(ctx, name, true);
      return `Pool ${name} paused.`;
    },
  },
  "resume-pool": {
    question: (t) => `Resume pool ${t}?`,
    run: async (a, ctx, f) => {
      const name = parse(Name, f.target, "pool");
      await a.pausePool(ctx, name, false);
      return `Pool ${name} resumed.`;
    },
  },
  "resize-pool": {
    question: (t) => `Resize pool ${t}?`,
    run: async (a, ctx, f) => {
      const name = parse(Name, f.target, "pool");
      const size = {
        hot: parse(Count, f.hot, "hot"),
        stopped: parse(Count, f.stopped, "stopped"),
        minutes: parse(Minutes, f.minutes, "minutes"),
      };
      await a.resizePool(ctx, name, size);
      return `Pool ${name} resized to ${size.hot} hot, ${size.stopped} stopped for ${size.minutes} min.`;
    },
  },
};

/** A `back` path the action may return to: one of the dashboard's own pages, nothing else. */
export function safeBack(back: string | undefined): string {
  return back && /^\/ui(\/[A-Za-z0-9/_.-]*)?(\?[A-Za-z0-9=&%_.+-]*)?$/.test(back) ? back : "/ui";
}
