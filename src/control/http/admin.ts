import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import { type Job, JobStatusSchema } from "../domain/job.ts";
import type { JobStore } from "../ports/job-store.ts";
import { pageQuery, parseOr400 } from "./query.ts";
import { timingSafeEqual } from "./signature.ts";

/** `<scheme> <credentials>`, the scheme a token (RFC 9110 §11.4), one or more spaces between. */
const credentials = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +(\S+) *$/;

/** The bearer token of an `Authorization` header; the scheme is case-insensitive (RFC 9110). */
export function bearerToken(header: string | undefined): string {
  const match = credentials.exec(header ?? "");
  return match && match[1]?.toLowerCase() === "bearer" ? (match[2] ?? "") : "";
}

/** Requires `Authorization: Bearer <admin token>` on every route below it. */
export function requireBearer(token: string) {
  return async (
    c: { req: { header(name: string): string | undefined } },
    next: () => Promise<void>,
  ) => {
    const given = bearerToken(c.req.header("authorization"));
    if (!given || !timingSafeEqual(given, token)) {
      throw new HTTPException(401, { message: "missing or invalid bearer token" });
    }
    await next();
  };
}

/** What the admin API shows of a job. */
export function jobView(job: Job) {
  return {
    jobId: job.jobId,
    repo: job.repo,
    runId: job.runId,
    status: job.status,
    labels: job.labels,
    spec: job.spec,
    candidates: job.candidates.map((c) => c.instanceType),
    reason: job.reason,
    retryCount: job.retryCount,
    forceOnDemand: job.forceOnDemand,
    instanceId: job.instanceId,
    runnerName: job.runnerName,
    conclusion: job.conclusion,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    lastEnqueuedAt: job.lastEnqueuedAt,
    startedAt: job.startedAt,
    completedAt: job.completedAt,
    /** Instance cost and GitHub-hosted price of the same minutes, once the job has ended. */
    cost: job.cost ?? null,
    version: job.version,
  };
}

const ListQuery = v.object({
  status: v.optional(JobStatusSchema),
  ...pageQuery(1000),
});

/** `GET /api/jobs`, `GET /api/jobs/:jobId`. */
export function jobRoutes(deps: { jobs: JobStore }) {
  const app = new Hono();
  app.get("/api/jobs/:jobId", async (c) => {
    const jobId = c.req.param("jobId");
    if (!/^\d{1,20}$/.test(jobId))
      throw new HTTPException(400, { message: "jobId must be a GitHub job id (digits)" });
    const job = await deps.jobs.get(jobId);
    if (!job) throw new HTTPException(404, { message: `job ${jobId} not found` });
    return c.json(jobView(job));
  });
  app.get("/api/jobs", async (c) => {
    const { status, limit, cursor } = parseOr400(ListQuery, c.req.query(), "invalid query:");
    const page = await deps.jobs.list({
      limit,
      ...(status ? { status } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return c.json({ jobs: page.jobs.map(jobView), ...(page.next ? { next: page.next } : {}) });
  });
  return app;
}
