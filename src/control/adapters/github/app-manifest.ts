import { Octokit } from "@octokit/core";
import { RequestError } from "@octokit/request-error";
import * as v from "valibot";
import { FleetError, ValidationError } from "../../domain/errors.ts";
import type { AppManifestExchange } from "../../ports/app-manifest.ts";

const Conversion = v.object({
  id: v.number(),
  slug: v.string(),
  html_url: v.string(),
  owner: v.optional(v.nullable(v.object({ login: v.string() })), null),
  pem: v.string(),
  webhook_secret: v.string(),
  client_id: v.string(),
  client_secret: v.string(),
});

/**
 * The manifest code exchange through Octokit. The call needs no authentication: the one-hour,
 * single-use code is the proof (GitHub's manifest flow).
 */
export function createAppManifestExchange(o: { apiUrl: string }): AppManifestExchange {
  const octokit = new Octokit({ baseUrl: o.apiUrl });
  return {
    async convert(code) {
      if (!/^[A-Za-z0-9_-]{1,200}$/.test(code)) throw new ValidationError("invalid manifest code");
      let data: unknown;
      try {
        ({ data } = await octokit.request("POST /app-manifests/{code}/conversions", { code }));
      } catch (err) {
        if (err instanceof RequestError && (err.status === 404 || err.status === 422))
          throw new ValidationError(
            "GitHub does not know this code (used already, or over an hour old)",
          );
        throw new FleetError(
          "github.manifest",
          `exchanging the manifest code failed: ${String(err)}`,
          {
            retryable: true,
          },
        );
      }
      const parsed = v.safeParse(Conversion, data);
      if (!parsed.success)
        throw new FleetError(
          "github.manifest",
          `GitHub's answer was unexpected: ${v.summarize(parsed.issues)}`,
        );
      const app = parsed.output;
      return {
        appId: String(app.id),
        slug: app.slug,
        htmlUrl: app.html_url,
        owner: app.owner?.login ?? null,
        privateKey: app.pem,
        webhookSecret: app.webhook_secret,
        clientId: app.client_id,
        clientSecret: app.client_secret,
      };
    },
  };
}
