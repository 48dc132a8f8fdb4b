import { describe, expect, it } from "vitest";
import { generateAppKey } from "../../../../test/support/fake-github-keys.ts";
import { githubConfigFromEnv, serverUrlFor } from "./config.ts";

const key = generateAppKey();
const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};

describe("githubConfigFromEnv", () => {
  it("is null when no App is configured", () => {
    expect(githubConfigFromEnv({}, noFiles)).toEqual({ ok: true, config: null });
  });

  it("reads one App with defaults", () => {
    const out = githubConfigFromEnv(
      { RUNS_FLEET_GITHUB_APP_ID: "123", RUNS_FLEET_GITHUB_PRIVATE_KEY: key.pkcs1 },
      noFiles,
    );
    expect(out).toEqual({
      ok: true,
      config: {
        apps: [{ appId: "123", privateKey: key.pkcs8 }],
        apiUrl: "https://api.github.com",
        serverUrl: "https://github.com",
        runnerScope: "repo",
        jit: true,
      },
    });
  });

  it("reads the key from a file, GHES URLs, org scope, group and JIT switch", () => {
    const out = githubConfigFromEnv(
      {
        RUNS_FLEET_GITHUB_APP_ID: "123",
        RUNS_FLEET_GITHUB_PRIVATE_KEY_FILE: "/keys/app.pem",
        RUNS_FLEET_GITHUB_API_URL: "https://ghe.example.com/api/v3/",
        RUNS_FLEET_GITHUB_RUNNER_SCOPE: "ORG",
        RUNS_FLEET_GITHUB_RUNNER_GROUP: "ci-spot",
        RUNS_FLEET_GITHUB_JIT: "false",
      },
      (path) => (path === "/keys/app.pem" ? key.pkcs8 : noFiles(path)),
    );
    expect(out).toMatchObject({
      ok: true,
      config: {
        apiUrl: "https://ghe.example.com/api/v3",
        serverUrl: "https://ghe.example.com",
        runnerScope: "org",
        runnerGroup: "ci-spot",
        jit: false,
      },
    });
  });

  it("reads several Apps from RUNS_FLEET_GITHUB_APPS beside the single one", () => {
    const out = githubConfigFromEnv(
      {
        RUNS_FLEET_GITHUB_APP_ID: "1",
        RUNS_FLEET_GITHUB_PRIVATE_KEY: key.pkcs1,
        RUNS_FLEET_GITHUB_APPS: JSON.stringify([
          { appId: 2, privateKey: key.pkcs8 },
          { appId: "3", privateKeyFile: "/k3.pem" },
        ]),
      },
      () => key.pkcs1,
    );
    expect(out.ok && out.config?.apps.map((a) => a.appId)).toEqual(["1", "2", "3"]);
  });

  it("lists every problem at once", () => {
    const out = githubConfigFromEnv(
      {
        RUNS_FLEET_GITHUB_APP_ID: "abc",
        RUNS_FLEET_GITHUB_PRIVATE_KEY: "not a key",
        RUNS_FLEET_GITHUB_APPS: '[{"appId":"2","privateKeyFile":"/missing.pem"},{"appId":"3"}]',
        RUNS_FLEET_GITHUB_API_URL: "not a url",
        RUNS_FLEET_GITHUB_RUNNER_SCOPE: "enterprise",
        RUNS_FLEET_GITHUB_JIT: "maybe",
      },
      noFiles,
    );
    expect(out.ok).toBe(false);
    const issues = out.ok ? [] : out.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/APPS\[0\].*cannot read private key file \/missing\.pem/),
        expect.stringMatching(/APPS\[1\].*private key is needed/),
        expect.stringMatching(/JIT.*true or false/),
        expect.stringMatching(/apps\.0\.appId/),
        expect.stringMatching(/apps\.0\.privateKey.*not PEM/),
        expect.stringMatching(/apiUrl/),
        expect.stringMatching(/runnerScope/),
      ]),
    );
    // A missing key is reported once, not again as an invalid empty key.
    expect(issues.filter((i) => /apps\.[12]\.privateKey/.test(i))).toEqual([]);
  });

  it("refuses a key without an App id, and an App listed twice", () => {
    expect(
      githubConfigFromEnv({ RUNS_FLEET_GITHUB_PRIVATE_KEY: key.pkcs1 }, noFiles),
    ).toMatchObject({
      ok: false,
      issues: [expect.stringMatching(/APP_ID is not/)],
    });
    const twice = githubConfigFromEnv(
      {
        RUNS_FLEET_GITHUB_APP_ID: "1",
        RUNS_FLEET_GITHUB_PRIVATE_KEY: key.pkcs1,
        RUNS_FLEET_GITHUB_APPS: JSON.stringify([{ appId: "1", privateKey: key.pkcs1 }]),
      },
      noFiles,
    );
    expect(twice).toMatchObject({ ok: false, issues: [expect.stringMatching(/once/)] });
  });
});

describe("serverUrlFor", () => {
  it.each([
    ["https://api.github.com", "https://github.com"],
    ["https://ghe.example.com/api/v3", "https://ghe.example.com"],
    ["https://api.acme.ghe.com", "https://acme.ghe.com"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
  ])("%s → %s", (api, server) => {
    expect(serverUrlFor(api)).toBe(server);
  });
});
