import type { JobResult } from "./types.ts";

/** Results the runner prints: `Job build completed with result: Succeeded`. */
const RESULT_LINE = /Job .* completed with result: (\w+)/;

/** The job result in one line of the runner's output, if the line reports one. */
export function jobResultFromLine(line: string): JobResult | undefined {
  const m = RESULT_LINE.exec(line);
  if (!m) return undefined;
  switch (m[1]) {
    case "Succeeded":
      return "success";
    case "Canceled":
    case "Cancelled":
      return "cancelled";
    default:
      return "failure";
  }
}
