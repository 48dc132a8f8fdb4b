import type { AppCredentialsStore, AppRegistration } from "../../ports/app-manifest.ts";

/** AppCredentialsStore in memory, for tests; `saved` shows what was stored. */
export function createMemoryAppCredentialsStore() {
  const saved: AppRegistration[] = [];
  let current: Awaited<ReturnType<AppCredentialsStore["current"]>> = null;
  const store: AppCredentialsStore = {
    async save(app, savedAt) {
      saved.push(structuredClone(app));
      current = {
        appId: app.appId,
        slug: app.slug,
        htmlUrl: app.htmlUrl,
        savedAt,
        location: "memory",
      };
      return current;
    },
    async current() {
      return current;
    },
  };
  return { ...store, saved };
}
