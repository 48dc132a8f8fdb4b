import dynalite from "dynalite";

export interface Dynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite in-process (in memory unless `path` is given) on a free loopback port. */
export async function startDynamo(options: { path?: string } = {}): Promise<Dynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
