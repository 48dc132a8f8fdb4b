/** @jsxImportSource hono/jsx */

/** The sign-in form: the admin token once, in a POST body (never in a URL); GitHub if offered. */
export function signInForm(props: { next: string; error?: string; github?: boolean }) {
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
      {props.github ? (
        <p>
          <a class="button" href={`/ui/sign-in/github?next=${encodeURIComponent(props.next)}`}>
            Sign in with GitHub
          </a>
        </p>
      ) : null}
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

/** After a GitHub sign-in: moves on from a page of ours, so the new Strict cookie goes along. */
export function signedInPage(props: { next: string; actor: string }) {
  return (
    <p>
      <meta http-equiv="refresh" content={`0;url=${props.next}`} />
      Signed in as {props.actor}. <a href={props.next}>Continue</a>
    </p>
  );
}
