/** @jsxImportSource hono/jsx */
import type { DashboardDeps } from "../deps.ts";
import { ActionButton, NotAvailable, type PageContext } from "../layout.tsx";

/** Warm pools: sizes, utilisation, what is in effect, with pause/resume and resize. */
export async function poolsPage(deps: DashboardDeps, page: PageContext) {
  if (!deps.pools)
    return (
      <NotAvailable
        what="Pools"
        why="This deployment has no pools service wired to the dashboard."
      />
    );
  const pools = await deps.pools();
  if (pools.length === 0)
    return <p class="muted">No pools are defined (fleet file or GitOps config).</p>;
  return (
    <div class="table">
      <table>
        <thead>
          <tr>
            <th>Pool</th>
            <th>Desired hot / stopped</th>
            <th>Actual</th>
            <th>Utilisation</th>
            <th>In effect</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr data-pool={p.name}>
              <td>
                {p.name}
                {p.paused ? <span class="status s-paused">paused</span> : null}
              </td>
              <td>
                {p.desired.hot} / {p.desired.stopped}
              </td>
              <td>
                {Object.entries(p.actual)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(", ")}
              </td>
              <td>{Math.round(p.utilization * 100)}%</td>
              <td>{p.inEffect}</td>
              <td class="actions">
                <ActionButton
                  page={page}
                  action={p.paused ? "resume-pool" : "pause-pool"}
                  target={p.name}
                  label={p.paused ? "Resume" : "Pause"}
                  confirm={`${p.paused ? "Resume" : "Pause"} pool ${p.name}?`}
                />
                <form
                  method="post"
                  action="/ui/actions/resize-pool"
                  class="action inline"
                  data-confirm={`Resize pool ${p.name}?`}
                >
                  <input type="hidden" name="_csrf" value={page.csrf} />
                  <input type="hidden" name="target" value={p.name} />
                  <input type="hidden" name="back" value={page.path} />
                  <input
                    name="hot"
                    type="number"
                    min="0"
                    max="500"
                    value={String(p.desired.hot)}
                    aria-label="hot"
                  />
                  <input
                    name="stopped"
                    type="number"
                    min="0"
                    max="500"
                    value={String(p.desired.stopped)}
                    aria-label="stopped"
                  />
                  <input
                    name="minutes"
                    type="number"
                    min="1"
                    max="10080"
                    value="60"
                    aria-label="minutes"
                  />
                  <button type="submit">Resize</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
