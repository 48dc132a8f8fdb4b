import type { JobStatus } from "../../domain/job.ts";

/** What intake did with one delivery; `outcome` becomes the HTTP answer. */
export type IntakeResult =
  | {
      outcome: "queued" | "duplicate" | "rejected" | "updated" | "recorded";
      jobId: string;
      status: JobStatus;
      reason?: string;
    }
  | { outcome: "ignored"; jobId: string; reason: string };
