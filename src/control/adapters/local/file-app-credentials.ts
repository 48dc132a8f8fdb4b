import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AppCredentialsStore, SavedAppSource } from "../../ports/app-manifest.ts";
import { parseSavedApp } from "../github/saved-app.ts";

/** The file local mode keeps a GitHub App made from the browser in (mode 0600). */
export const appFileName = "github-app.json";

/** Keeps the App's credentials in the data directory, readable by this user only. */
export function createFileAppCredentialsStore(o: {
  dir: string;
}): AppCredentialsStore & SavedAppSource {
  const path = join(o.dir, appFileName);
  const read = async () => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      return null;
    }
    return parseSavedApp(text);
  };
  return {
    async save(app, savedAt) {
      await mkdir(o.dir, { recursive: true });
      await writeFile(path, `${JSON.stringify({ ...app, savedAt }, null, 2)}\n`, { mode: 0o600 });
      await chmod(path, 0o600);
      return {
        appId: app.appId,
        slug: app.slug,
        htmlUrl: app.htmlUrl,
        savedAt,
        location: "the data directory",
      };
    },
    async current() {
      const stored = await read();
      if (!stored) return null;
      const { appId, slug, htmlUrl, savedAt } = stored;
      return { appId, slug, htmlUrl, savedAt, location: "the data directory" };
    },
    async credentials() {
      const stored = await read();
      if (!stored) return null;
      const { appId, privateKey, webhookSecret } = stored;
      return { appId, privateKey, webhookSecret };
    },
  };
}
