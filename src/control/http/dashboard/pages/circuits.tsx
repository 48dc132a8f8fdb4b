/** @jsxImportSource hono/jsx */
import type { DashboardDeps } from "../deps.ts";
import { ActionButton, type PageContext, Status } from "../layout.tsx";

/** The spot circuit breakers, each with a reset. */
export async function circuitsPage(deps: DashboardDeps, page: PageContext) {
  const circuits = await deps.circuits.list();
  const iso = (t: number | null) =>
    t === null ? "—" : new Date(t).toISOString().replace("T", " ").slice(0, 19);
  return (
    <div class="table">
      <table>
        <thead>
          <tr>
            <th>Instance type</th>
            <th>State</th>
            <th>Interruptions in window</th>
            <th title="Opens in a row: each doubles the cooldown">Trips</th>
            <th>Opened</th>
            <th>Resets</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {circuits.map((c) => (
            <tr data-circuit={c.instanceType}>
              <td>{c.instanceType}</td>
              <td>
                <Status value={c.state} />
              </td>
              <td>{c.interruptions.length}</td>
              <td>{c.trips}</td>
              <td>{iso(c.openedAt)}</td>
              <td>{iso(c.resetAt)}</td>
              <td>
                <ActionButton
                  page={page}
                  action="reset-circuit"
                  target={c.instanceType}
                  label="Reset"
                  confirm={`Close the circuit of ${c.instanceType}? Spot launches of it resume.`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {circuits.length === 0 ? (
        <p class="muted">No circuit has tripped: every type is closed.</p>
      ) : null}
    </div>
  );
}
