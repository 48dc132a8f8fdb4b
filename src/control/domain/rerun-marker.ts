/** The marker that makes the next attempt of an interrupted job go on-demand. */
export function rerunMarkerName(repo: string, runId: string, jobName: string | null): string {
  return `rerun:${repo}:${runId}:${jobName ?? ""}`;
}
