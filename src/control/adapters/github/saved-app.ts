import * as v from "valibot";

/** A GitHub App as the manifest flow saves it (file locally, a secret on AWS). */
const SavedAppSchema = v.object({
  appId: v.string(),
  slug: v.string(),
  htmlUrl: v.string(),
  savedAt: v.string(),
  privateKey: v.string(),
  webhookSecret: v.string(),
});
export type SavedApp = v.InferOutput<typeof SavedAppSchema>;

/**
 * The App a saved text holds, or null when it is not JSON of that shape: something else stored
 * there is not an App this control plane saved, so it is ignored, not trusted.
 */
export function parseSavedApp(text: string): SavedApp | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = v.safeParse(SavedAppSchema, raw);
  return parsed.success ? parsed.output : null;
}
