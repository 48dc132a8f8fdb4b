/** @jsxImportSource hono/jsx */
import type { DashboardDeps } from "../deps.ts";
import { Status, Time } from "../layout.tsx";

const brief = (value: unknown) =>
  value === null || value === undefined ? "—" : JSON.stringify(value);

/** The audit log, newest first, a page at a time. */
export async function auditPage(deps: DashboardDeps, cursor: string | undefined) {
  const page = await deps.audit.list({ limit: 100, ...(cursor ? { cursor } : {}) });
  return (
    <>
      <div class="table">
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Before</th>
              <th>After</th>
              <th>Outcome</th>
              <th>Request</th>
            </tr>
          </thead>
          <tbody>
            {page.records.map((r) => (
              <tr data-audit={r.action}>
                <td>
                  <Time iso={r.at} />
                </td>
                <td>{r.actor}</td>
                <td>{r.action}</td>
                <td>{r.target}</td>
                <td class="json">{brief(r.before)}</td>
                <td class="json">{brief(r.after)}</td>
                <td>
                  <Status value={r.outcome} />
                  {r.error ? <div class="muted">{r.error}</div> : null}
                </td>
                <td class="muted">{r.requestId}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.records.length === 0 ? <p class="muted">No admin action yet.</p> : null}
      </div>
      {page.next ? <a href={`/ui/audit?cursor=${encodeURIComponent(page.next)}`}>Older</a> : null}
    </>
  );
}
