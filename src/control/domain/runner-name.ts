/** The runner name GitHub shows for a job's runner: unique per job and instance. */
export function runnerName(jobId: string, instanceId: string): string {
  return `runs-fleet-${jobId}-${instanceId}`;
}
