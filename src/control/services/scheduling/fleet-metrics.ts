import type { Compute, LaunchRequest, LaunchResult } from "../../ports/compute.ts";
import type { Metrics } from "../../ports/metrics.ts";

/**
 * The batch launcher's call into compute, recording how many instances each call (one
 * CreateFleet on EC2) asked for: the figure that shows batching at work under load.
 */
export function measuredLaunch(
  compute: Pick<Compute, "launch">,
  metrics: Metrics,
): (request: LaunchRequest) => Promise<LaunchResult> {
  return (request) => {
    metrics.gauge("LaunchesPerFleet", request.slots.length);
    return compute.launch(request);
  };
}
