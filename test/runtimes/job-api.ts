import { ADMIN_TOKEN } from "../support/app.ts";

/** A job as the admin API shows it (the fields these smoke tests read). */
export interface ApiJob {
  jobId: string;
  status: string;
  instanceId: string | null;
  reason: string | null;
}

/** One job through a running control plane's admin API. */
export async function jobOf(base: string, jobId: string, token = ADMIN_TOKEN): Promise<ApiJob> {
  const res = await fetch(`${base}/api/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`GET /api/jobs/${jobId}: ${res.status} ${await res.text()}`);
  return (await res.json()) as ApiJob;
}

/** Polls the admin API until the job satisfies `ok`, or fails with the last state seen. */
export async function untilJob(
  base: string,
  jobId: string,
  ok: (job: ApiJob) => boolean,
  timeoutMs = 60_000,
  token = ADMIN_TOKEN,
): Promise<ApiJob> {
  const deadline = Date.now() + timeoutMs;
  let last: ApiJob | null = null;
  while (Date.now() < deadline) {
    last = await jobOf(base, jobId, token);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `job ${jobId} did not reach the expected state; last seen: ${JSON.stringify(last)}`,
  );
}
