import * as v from "valibot";

/** Where the admin API is and how to be let in. */
export interface AdminApi {
  url: string;
  token: string;
  fetch?: typeof fetch;
}

/**
 * The admin API from `--url`/`--token`, else `RUNS_FLEET_URL`/`RUNS_FLEET_ADMIN_TOKEN`; a string
 * saying what to set when either is missing.
 */
export function adminApiFrom(
  flags: { url?: string | undefined; token?: string | undefined },
  env: Record<string, string | undefined>,
  fetcher?: typeof fetch,
): AdminApi | string {
  const url = flags.url ?? env.RUNS_FLEET_URL;
  const token = flags.token ?? env.RUNS_FLEET_ADMIN_TOKEN;
  if (!url || !token)
    return "the admin API is needed: set RUNS_FLEET_URL and RUNS_FLEET_ADMIN_TOKEN, or pass --url and --token";
  return { url, token, ...(fetcher ? { fetch: fetcher } : {}) };
}

/** What the debugging commands need to know of a job's instance. */
export interface JobInstance {
  jobId: string;
  jobStatus: string;
  instanceId: string;
  region: string;
  state: string;
  os: "linux" | "windows";
  reason: string | null;
}

/** A lookup that failed, with what to tell the user; `exitCode` 1 for a fact, 2 for a misuse. */
export class LookupError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

const JobView = v.object({
  jobId: v.string(),
  status: v.string(),
  instanceId: v.nullable(v.string()),
  spec: v.nullable(v.object({ os: v.picklist(["linux", "windows"]) })),
});
const InstanceView = v.object({
  instanceId: v.string(),
  state: v.string(),
  region: v.string(),
  reason: v.nullable(v.string()),
  terminatedAt: v.nullable(v.string()),
});

async function getJson<T extends v.GenericSchema>(
  api: AdminApi,
  path: string,
  schema: T,
  notFound: string,
): Promise<v.InferOutput<T>> {
  const url = `${api.url.replace(/\/+$/, "")}${path}`;
  let res: Response;
  try {
    res = await (api.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${api.token}` } });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LookupError(`cannot reach the admin API at ${api.url}: ${why}`);
  }
  if (res.status === 404) throw new LookupError(notFound);
  if (res.status === 401)
    throw new LookupError("the admin API refused the token (RUNS_FLEET_ADMIN_TOKEN or --token)", 2);
  if (!res.ok) throw new LookupError(`the admin API answered ${res.status} for ${path}`);
  const parsed = v.safeParse(schema, await res.json());
  if (!parsed.success)
    throw new LookupError(`unexpected answer from ${path}: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}

/**
 * The instance a job ran (or runs) on, through the admin API. Fails with a clear message when
 * the job is unknown, never got an instance, or its instance is gone.
 */
export async function lookupJobInstance(api: AdminApi, jobId: string): Promise<JobInstance> {
  if (!/^\d{1,20}$/.test(jobId))
    throw new LookupError(`job id must be GitHub's numeric job id (got "${jobId}")`, 2);
  const job = await getJson(api, `/api/jobs/${jobId}`, JobView, `job ${jobId} is not known`);
  if (job.instanceId === null)
    throw new LookupError(`job ${jobId} has no instance (it is ${job.status})`);
  const id = job.instanceId;
  const instance = await getJson(
    api,
    `/api/instances/${encodeURIComponent(id)}`,
    InstanceView,
    `instance ${id} of job ${jobId} has no record (it is gone)`,
  );
  if (instance.state === "terminated" || instance.state === "offline") {
    const when = instance.terminatedAt ? ` at ${instance.terminatedAt}` : "";
    const why = instance.reason ? ` (${instance.reason})` : "";
    const hint =
      " — add debug=<minutes> to the job's label to keep its instance after the job next time";
    throw new LookupError(
      `instance ${id} of job ${jobId} is gone: ${instance.state}${when}${why}${hint}`,
    );
  }
  return {
    jobId,
    jobStatus: job.status,
    instanceId: id,
    region: instance.region,
    state: instance.state,
    os: job.spec?.os ?? "linux",
    reason: instance.reason,
  };
}
