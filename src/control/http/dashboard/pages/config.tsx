/** @jsxImportSource hono/jsx */
import type { DashboardDeps } from "../deps.ts";
import { NotAvailable, Time } from "../layout.tsx";

/** The configuration in effect: the active GitOps version, its pools and aliases. */
export async function configPage(deps: DashboardDeps) {
  if (!deps.config) return <NotAvailable what="Configuration" why="No config service is wired." />;
  const snapshot = await deps.config();
  const v = snapshot.version;
  return (
    <>
      {v ? (
        <dl>
          <dt>Version</dt>
          <dd>{v.version}</dd>
          <dt>Source</dt>
          <dd>{v.source}</dd>
          <dt>Commit</dt>
          <dd>{v.commit ?? "—"}</dd>
          <dt>Applied</dt>
          <dd>
            <Time iso={v.appliedAt} />
          </dd>
        </dl>
      ) : (
        <p>No GitOps version is applied yet: the fleet file's pools and aliases are in effect.</p>
      )}
      <h2>Pools</h2>
      <pre class="spec">{JSON.stringify(snapshot.pools, null, 2)}</pre>
      <h2>Aliases</h2>
      <pre class="spec">{JSON.stringify(snapshot.aliases, null, 2)}</pre>
    </>
  );
}
