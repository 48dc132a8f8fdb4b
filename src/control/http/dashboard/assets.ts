/**
 * The dashboard's stylesheet and script, served by the app itself (no CDN, no build step: the
 * same text on Node, Bun, Deno and Lambda).
 */
export const appCss = `
:root{--fg:#1f2328;--muted:#656d76;--bg:#fff;--line:#d0d7de;--accent:#0969da;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--soft)}
.brand{font-weight:700;text-decoration:none;color:var(--fg)}
.top nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem;flex:1}
.top nav a{text-decoration:none;padding:.15rem .1rem}
.top nav a[aria-current=page]{font-weight:600;border-bottom:2px solid var(--accent)}
.who{display:flex;gap:.5rem;align-items:center;margin:0}
main{padding:1rem;max-width:1200px;margin:0 auto}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.2rem 0 .5rem}
button{font:inherit;padding:.25rem .7rem;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
button:hover{background:var(--soft)}button.danger{color:var(--bad);border-color:var(--bad)}
input,select{font:inherit;padding:.25rem .4rem;border:1px solid var(--line);border-radius:6px;max-width:100%}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:.75rem;margin-bottom:1rem}
.stat{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
.stat .label{color:var(--muted);font-size:.85rem}.stat .value{font-size:1.5rem;font-weight:600}.stat .note{color:var(--muted);font-size:.75rem}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
.chart{margin:0 0 1rem}.chart svg{width:100%;height:180px;border:1px solid var(--line);border-radius:8px}
.chart figcaption,.split figcaption{color:var(--muted);font-size:.85rem;margin-top:.3rem}
.axis{stroke:var(--line)}.tick{font-size:10px;fill:var(--muted)}
.legend{margin-left:.75rem;white-space:nowrap}.legend i{display:inline-block;width:.7rem;height:.7rem;border-radius:2px;vertical-align:middle}
.c-completed{fill:var(--ok);background:var(--ok)}.c-failed{fill:var(--bad);background:var(--bad)}
.c-cancelled{fill:#8c959f;background:#8c959f}.c-rejected{fill:var(--warn);background:var(--warn)}
.c-spot{background:var(--accent)}.c-ondemand{background:#8250df}.c-github{background:#8c959f}
.split{margin:0 0 1rem}.track{display:flex;height:14px;border-radius:7px;overflow:hidden;background:var(--soft);border:1px solid var(--line)}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;color:var(--muted);font-weight:600}
.status{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;background:var(--soft);border:1px solid var(--line)}
.s-completed,.s-succeeded,.s-closed,.s-running{color:var(--ok);border-color:var(--ok)}
.s-failed,.s-open,.s-rejected,.s-terminated{color:var(--bad);border-color:var(--bad)}
.s-refused,.s-half-open,.s-interrupted,.s-queued,.s-paused{color:var(--warn);border-color:var(--warn)}
.muted{color:var(--muted)}.labels{word-break:break-word}.json{font-family:ui-monospace,monospace;font-size:.75rem;word-break:break-all;max-width:16rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin-bottom:1rem}
.action{display:inline;margin:0}.inline input{width:4.5rem}
.actions{display:flex;flex-wrap:wrap;gap:.4rem}
.notice{padding:.5rem .75rem;border:1px solid var(--ok);border-radius:6px;background:#dafbe1}
.error,.unavailable{padding:.5rem .75rem;border:1px solid var(--warn);border-radius:6px;background:#fff8c5}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:var(--muted)}dd{margin:0}
pre.spec{background:var(--soft);padding:.6rem;border-radius:6px;overflow:auto;font-size:.8rem}
.timeline{padding-left:1.2rem}.timeline li{margin:.2rem 0}
.sign-in,.confirm,.setup{display:flex;flex-direction:column;gap:.75rem;max-width:420px}
.days{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}.days a[aria-current=page]{font-weight:700}
@media (max-width:640px){main{padding:.6rem}.top nav{order:3;flex-basis:100%}th,td{padding:.3rem}.stat .value{font-size:1.2rem}}
`;

/**
 * Live updates and confirmations. The page listens to `/ui/events` (Server-Sent Events) and, on
 * a change, fetches itself and swaps `<main>`; where the stream cannot work (a runtime that
 * buffers responses, a proxy), it polls instead. Admin forms ask for confirmation first.
 */
export const appJs = `
(() => {
  const main = () => document.getElementById("content");
  let busy = false;
  async function refresh() {
    const el = main();
    if (!el || el.dataset.live !== "1" || busy) return;
    const active = document.activeElement;
    if (active && el.contains(active) && /INPUT|SELECT|TEXTAREA/.test(active.tagName)) return;
    busy = true;
    try {
      const res = await fetch(location.href, { headers: { "x-live-refresh": "1" }, credentials: "same-origin" });
      if (res.redirected || !res.ok) { if (res.status === 401 || res.redirected) location.reload(); return; }
      const doc = new DOMParser().parseFromString(await res.text(), "text/html");
      const next = doc.getElementById("content");
      if (next) el.innerHTML = next.innerHTML;
    } catch (e) { /* the next change or poll tries again */ } finally { busy = false; }
  }
  let polling = null;
  function poll() { if (!polling) polling = setInterval(refresh, 5000); }
  function listen() {
    if (!main() || main().dataset.live !== "1") return;
    if (!("EventSource" in window)) return poll();
    let failures = 0;
    const source = new EventSource("/ui/events");
    source.addEventListener("change", () => { failures = 0; refresh(); });
    source.addEventListener("open", () => { failures = 0; });
    source.addEventListener("error", () => { if (++failures >= 3) { source.close(); poll(); } });
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
    const ok = document.createElement("input");
    ok.type = "hidden"; ok.name = "confirmed"; ok.value = "1";
    form.appendChild(ok);
  });
  document.addEventListener("DOMContentLoaded", () => {
    const auto = document.querySelector("form[data-autosubmit]");
    if (auto) auto.submit();
    listen();
  });
})();
`;
