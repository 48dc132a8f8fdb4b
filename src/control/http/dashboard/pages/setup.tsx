/** @jsxImportSource hono/jsx */
import { appManifest } from "../app-setup.ts";
import type { DashboardDeps } from "../deps.ts";
import { NotAvailable, type PageContext, Time } from "../layout.tsx";

/** The GitHub App page: what is stored, and the button that creates one through GitHub. */
export async function setupPage(deps: DashboardDeps, page: PageContext, baseUrl: string) {
  const setup = deps.appSetup;
  if (!setup)
    return (
      <NotAvailable
        what="Creating the GitHub App here"
        why="This deployment has no place to store an App's credentials; see the deployment guide."
      />
    );
  const current = await setup.store.current();
  const manifest = JSON.stringify(appManifest(baseUrl));
  return (
    <>
      {current ? (
        <p>
          The App <a href={current.htmlUrl}>{current.slug}</a> (id {current.appId}) was created{" "}
          <Time iso={current.savedAt} />; its id, private key and webhook secret are kept in{" "}
          {current.location}. Install it on your repositories from its page, then restart
          runs-fleet: a restart applies it, as runs-fleet takes the saved App at start whenever its
          environment names none.
        </p>
      ) : (
        <p>No App has been created from here yet.</p>
      )}
      <p>
        GitHub creates the App from a manifest with exactly the permissions and events runs-fleet
        needs, its webhook pointing at <code>{`${baseUrl}/webhook`}</code>, then sends you back
        here.
      </p>
      <form method="post" action="/ui/setup/start" class="setup">
        <input type="hidden" name="_csrf" value={page.csrf} />
        <label>
          Organisation (empty: your account) <input name="org" pattern="[A-Za-z0-9-]{0,39}" />
        </label>
        <button type="submit">Create the GitHub App on GitHub</button>
      </form>
      <details>
        <summary>The manifest</summary>
        <pre class="spec">{JSON.stringify(JSON.parse(manifest), null, 2)}</pre>
      </details>
    </>
  );
}

/** The page that carries the manifest to GitHub: a form the script submits at once. */
export function manifestForm(target: string, manifest: string) {
  return (
    <form method="post" action={target} id="manifest-form" data-autosubmit="1">
      <input type="hidden" name="manifest" value={manifest} />
      <p>Sending the manifest to GitHub…</p>
      <button type="submit">Continue to GitHub</button>
    </form>
  );
}
