/** Where cost reports are kept: an S3 bucket in AWS, the data directory in local mode. */
export interface ReportStore {
  /** Writes (or overwrites) one object. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The object's text, or null when there is none. */
  get(key: string): Promise<string | null>;
}
