import type { AppCredentialsStore, AppManifestExchange } from "../../ports/app-manifest.ts";

/** Creating the GitHub App from the browser: GitHub's exchange, and where the result is kept. */
export interface AppSetup {
  exchange: AppManifestExchange;
  store: AppCredentialsStore;
  /** GitHub's web address (default https://github.com; GHES: its own). */
  githubUrl?: string;
  /** The control plane's public address when requests do not show it (behind a proxy). */
  publicUrl?: string;
}

/**
 * The App manifest: exactly the permissions and events runs-fleet uses (docs/deployment.md),
 * the webhook pointing at this control plane, and the way back to the setup page.
 */
export function appManifest(baseUrl: string, name = "runs-fleet") {
  return {
    name,
    url: baseUrl,
    hook_attributes: { url: `${baseUrl}/webhook`, active: true },
    redirect_url: `${baseUrl}/ui/setup/callback`,
    public: false,
    default_permissions: {
      actions: "write",
      administration: "write",
      metadata: "read",
      organization_self_hosted_runners: "write",
      contents: "read",
      statuses: "write",
    },
    default_events: ["workflow_job", "push"],
  };
}

/** Where the browser posts the manifest: the user's account, or an organisation's. */
export function manifestTarget(githubUrl: string, org: string | undefined, state: string): string {
  const base = org
    ? `${githubUrl}/organizations/${encodeURIComponent(org)}/settings/apps/new`
    : `${githubUrl}/settings/apps/new`;
  return `${base}?state=${encodeURIComponent(state)}`;
}
