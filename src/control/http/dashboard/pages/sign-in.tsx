/** @jsxImportSource hono/jsx */

/** The sign-in form: the admin token once, in a POST body (never in a URL). */
export function signInForm(props: { next: string; error?: string }) {
  return (
    <form method="post" action="/ui/sign-in" class="sign-in">
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <input type="hidden" name="next" value={props.next} />
      <label>
        Admin token
        <input type="password" name="token" autocomplete="current-password" required />
      </label>
      <button type="submit">Sign in</button>
      <p class="muted">The token `npm start` printed (local mode), or RUNS_FLEET_ADMIN_TOKEN.</p>
    </form>
  );
}

/** The confirmation asked before an admin action when the browser ran no script. */
export function confirmForm(props: {
  action: string;
  question: string;
  fields: Record<string, string>;
}) {
  return (
    <form method="post" action={`/ui/actions/${props.action}`} class="confirm">
      <p>{props.question}</p>
      {Object.entries(props.fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="confirmed" value="1" />
      <button type="submit">Confirm</button> <a href={props.fields.back ?? "/ui"}>Cancel</a>
    </form>
  );
}
