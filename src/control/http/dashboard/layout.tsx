/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

/** What every signed-in page knows about its viewer. */
export interface PageContext {
  actor: string;
  csrf: string;
  /** The page's own path and query, where actions come back to. */
  path: string;
  notice?: string | undefined;
}

const nav = [
  ["/ui", "Overview"],
  ["/ui/jobs", "Jobs"],
  ["/ui/instances", "Instances"],
  ["/ui/pools", "Pools"],
  ["/ui/circuits", "Circuits"],
  ["/ui/cost", "Cost"],
  ["/ui/config", "Configuration"],
  ["/ui/audit", "Audit log"],
  ["/ui/setup", "GitHub App"],
] as const;

/** The HTML document around every page: head, assets, and (signed in) the navigation. */
export function Document(props: { title: string; children: Child; page?: PageContext }) {
  const page = props.page;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · runs-fleet`}</title>
        <link rel="stylesheet" href="/ui/assets/app.css" />
        {/* No icon to fetch: the browser would ask for /favicon.ico and log a 404. */}
        <link rel="icon" href="data:," />
        {page ? <meta name="csrf-token" content={page.csrf} /> : null}
        <script src="/ui/assets/app.js" defer />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/ui">
            runs-fleet
          </a>
          {page ? (
            <nav aria-label="Pages">
              {nav.map(([href, label]) => (
                <a
                  href={href}
                  aria-current={
                    page.path === href ||
                    page.path.startsWith(`${href}/`) ||
                    page.path.startsWith(`${href}?`)
                      ? "page"
                      : undefined
                  }
                >
                  {label}
                </a>
              ))}
            </nav>
          ) : null}
          {page ? (
            <form method="post" action="/ui/sign-out" class="who">
              <span>{page.actor}</span>
              <input type="hidden" name="_csrf" value={page.csrf} />
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="content" data-live={page ? "1" : undefined}>
          {page?.notice ? (
            <p class="notice" role="status">
              {page.notice}
            </p>
          ) : null}
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/**
 * A button that runs an admin action: a POST with the CSRF token, confirmed first (by the
 * browser's dialog, or without script by a confirmation page).
 */
export function ActionButton(props: {
  page: PageContext;
  action: string;
  target: string;
  label: string;
  confirm: string;
  fields?: Record<string, string>;
  danger?: boolean;
}) {
  return (
    <form
      method="post"
      action={`/ui/actions/${props.action}`}
      class="action"
      data-confirm={props.confirm}
    >
      <input type="hidden" name="_csrf" value={props.page.csrf} />
      <input type="hidden" name="target" value={props.target} />
      <input type="hidden" name="back" value={props.page.path} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.danger ? "danger" : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/** A status word with its colour. */
export function Status(props: { value: string }) {
  return <span class={`status s-${props.value}`}>{props.value}</span>;
}

/** An ISO time as a short UTC string (the full one on hover). */
export function Time(props: { iso: string | null | undefined }) {
  if (!props.iso) return <span class="muted">—</span>;
  return (
    <time datetime={props.iso} title={props.iso}>
      {props.iso.replace("T", " ").slice(0, 19)}
    </time>
  );
}

/** A figure on the overview. */
export function Stat(props: { label: string; value: Child; note?: string }) {
  return (
    <div class="stat">
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.note ? <div class="note">{props.note}</div> : null}
    </div>
  );
}

/** What a page shows for data this deployment does not have (yet). */
export function NotAvailable(props: { what: string; why: string }) {
  return (
    <p class="unavailable">
      <strong>{props.what}: not available.</strong> {props.why}
    </p>
  );
}
