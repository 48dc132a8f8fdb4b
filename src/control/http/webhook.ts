import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { Logger } from "../../shared/logger.ts";
import { clip } from "../domain/labels-bounds.ts";
import { WorkflowJobEventSchema } from "../domain/workflow-job-event.ts";
import { contextFromTraceparent, withSpan } from "../services/common/tracing.ts";
import type { GitOps } from "../services/config/gitops.ts";
import { PushEventSchema } from "../services/config/push-event.ts";
import type { Intake } from "../services/intake/intake.ts";
import { verifyWebhookSignature } from "./signature.ts";

/** GitHub caps webhook payloads at 25 MB, but a `workflow_job` is a few KB: refuse more than 1 MiB. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookDeps {
  intake: Intake;
  webhookSecrets: readonly string[];
  logger: Logger;
  /** Applies config pushes; absent (no GitHub App to read the file with), pushes are ignored. */
  gitops?: GitOps;
}

/** `POST /webhook`: verify the signature over the raw body, then parse, then act. */
export function webhookRoutes(deps: WebhookDeps) {
  const app = new Hono();
  app.post(
    "/webhook",
    bodyLimit({
      maxSize: MAX_WEBHOOK_BYTES,
      onError: (c) => c.json({ error: `body exceeds ${MAX_WEBHOOK_BYTES} bytes` }, 413),
    }),
    async (c) => {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const ok = await verifyWebhookSignature(
        deps.webhookSecrets,
        raw,
        c.req.header("x-hub-signature-256"),
      );
      if (!ok) throw new HTTPException(401, { message: "missing or invalid X-Hub-Signature-256" });

      const event = c.req.header("x-github-event") ?? "";
      // A GUID from GitHub; it is stored on the job, so anything longer is cut.
      const deliveryId = clip(c.req.header("x-github-delivery") ?? "unknown", 128);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
      } catch {
        throw new HTTPException(400, { message: "body is not valid JSON" });
      }
      if (event === "ping") return c.json({ ok: true, pong: true });
      if (event === "push") return c.json(await onPush(deps, body, deliveryId), 202);
      if (event !== "workflow_job")
        return c.json({ ignored: `event ${event || "(none)"} is not handled` }, 202);

      const parsed = v.safeParse(WorkflowJobEventSchema, body);
      if (!parsed.success) {
        throw new HTTPException(400, {
          message: `invalid workflow_job payload: ${v.summarize(parsed.issues)}`,
        });
      }
      const payload = parsed.output;
      const result = await withSpan(
        "webhook workflow_job",
        { "github.delivery": deliveryId, "github.event": event },
        () => deps.intake.handle(payload, deliveryId),
        contextFromTraceparent(c.req.header("traceparent")),
      );
      deps.logger.debug("webhook handled", { deliveryId, ...result });
      if (result.outcome === "ignored")
        return c.json({ ignored: result.reason, jobId: result.jobId }, 202);
      return c.json(result, 202);
    },
  );
  return app;
}

/** A `push`: the config repository's default branch may carry a new config. */
async function onPush(deps: WebhookDeps, body: unknown, deliveryId: string) {
  if (!deps.gitops) return { ignored: "no GitHub App to read the config repository with" };
  const parsed = v.safeParse(PushEventSchema, body);
  if (!parsed.success)
    throw new HTTPException(400, {
      message: `invalid push payload: ${v.summarize(parsed.issues)}`,
    });
  const payload = parsed.output;
  const gitops = deps.gitops;
  const result = await withSpan("webhook push", { "github.delivery": deliveryId }, () =>
    gitops.onPush(payload),
  );
  deps.logger.debug("push handled", { deliveryId, ...result });
  if (result.outcome === "ignored") return { ignored: result.reason };
  if (result.outcome === "refused")
    return { outcome: result.outcome, commit: result.commit, problems: result.problems };
  return { outcome: result.outcome, commit: result.commit, version: result.version.version };
}
