import * as v from "valibot";
import { JobMessageSchema } from "../../domain/job-message.ts";
import type { ReceivedJob } from "../../ports/job-queue.ts";

/** Parses a stored body as the SQS adapter does: a body that does not validate is reported. */
export function parseJobBody(body: string): { message: ReceivedJob["message"]; error?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { message: null, error: "body is not JSON" };
  }
  const parsed = v.safeParse(JobMessageSchema, raw);
  return parsed.success
    ? { message: parsed.output }
    : { message: null, error: v.summarize(parsed.issues) };
}
