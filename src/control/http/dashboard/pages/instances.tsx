/** @jsxImportSource hono/jsx */
import type { DashboardDeps } from "../deps.ts";
import { ActionButton, type PageContext, Status, Time } from "../layout.tsx";

/** Instances, live ones first, each with a terminate action. */
export async function instancesPage(deps: DashboardDeps, page: PageContext) {
  const { instances } = await deps.instances.list({ limit: 500 });
  const sorted = [...instances].sort(
    (a, b) =>
      Number(a.state === "terminated") - Number(b.state === "terminated") ||
      b.launchedAt.localeCompare(a.launchedAt),
  );
  return (
    <div class="table">
      <table>
        <thead>
          <tr>
            <th>Instance</th>
            <th>Type</th>
            <th>Market</th>
            <th>State</th>
            <th>Job</th>
            <th>Pool</th>
            <th>Launched</th>
            <th>Last heartbeat</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sorted.map((i) => (
            <tr id={i.instanceId}>
              <td>{i.instanceId}</td>
              <td>{i.instanceType}</td>
              <td>{i.market}</td>
              <td>
                <Status value={i.state} />
              </td>
              <td>{i.jobId ? <a href={`/ui/jobs/${i.jobId}`}>{i.jobId}</a> : "—"}</td>
              <td>{i.pool ?? "—"}</td>
              <td>
                <Time iso={i.launchedAt} />
              </td>
              <td>
                <Time iso={i.lastHeartbeatAt} />
              </td>
              <td>
                {i.state === "terminated" ? null : (
                  <ActionButton
                    page={page}
                    action="terminate-instance"
                    target={i.instanceId}
                    label="Terminate"
                    confirm={`Terminate ${i.instanceId}? Its job, if any, is settled as usual.`}
                    danger
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length === 0 ? <p class="muted">No instances.</p> : null}
    </div>
  );
}
