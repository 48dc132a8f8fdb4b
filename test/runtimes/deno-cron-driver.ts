/**
 * Runs under Deno: starts `src/control/entry/deno.ts` as deployed, with `Deno.cron` wrapped so
 * the registration still reaches Deno (its name and schedule are checked there) and the handler
 * it registers is kept. Then fires that handler once, as the minute's tick would, and prints
 * `cron registered {...}` and `tick done`. Typed without Deno's declarations: the project's
 * type check runs with Node's.
 */
type CronHandler = () => Promise<void> | void;
type Cron = (name: string, schedule: string, ...rest: unknown[]) => Promise<void>;
const deno = (globalThis as unknown as { Deno: { cron: Cron } }).Deno;

const registered: { name: string; schedule: string; handler: CronHandler }[] = [];
const realCron = deno.cron.bind(deno);
Object.defineProperty(deno, "cron", {
  configurable: true,
  value: (name: string, schedule: string, ...rest: unknown[]) => {
    // Deno.cron(name, schedule, handler) or Deno.cron(name, schedule, options, handler).
    registered.push({ name, schedule, handler: rest[rest.length - 1] as CronHandler });
    return realCron(name, schedule, ...rest);
  },
});

// Not a literal import: the project's type check must not follow it into the Deno-only entry.
const entry = new URL("../../src/control/entry/deno.ts", import.meta.url).href;
await import(entry);
const cron = registered[0];
if (!cron) {
  console.error("the Deno entry registered no cron");
  throw new Error("no cron registered");
}
console.error(`cron registered ${JSON.stringify({ name: cron.name, schedule: cron.schedule })}`);
await cron.handler();
console.error("tick done");
