// The service's HTTP face under hostile or unlucky requests (issue 20, point 7): malformed request
// targets and escapes are the client's mistake (4xx, never 500 or a crash), a JSON body over the JSON
// limit is refused with its own message, and stopping the service lets requests in flight (an
// upload) finish while new ones get 503.
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../app/serve.ts";
import { createLogger } from "../../app/logger.ts";
import { loadConfig } from "../../app/config.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { samplePdf, setupExampleOrg } from "../support/workflow.ts";

type Started = { service: RunningService; base: string; stop(): Promise<void>; close(): Promise<void> };
/** A service of its own (data directory, and database on PostgreSQL runs) with the example organisation. */
const startOwnService = async (): Promise<Started> => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-http-hostile-"));
  const pgDb: TestDatabase | undefined = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
  const config = loadConfig({ DATA_DIR: dataDir, HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", LOG_LEVEL: "silent", DATABASE_URL: pgDb?.url });
  const service = await startService({ config, logger: createLogger("silent"), role: "all" });
  await setupExampleOrg(service.app.deps);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= service.stop());
  return {
    service,
    base: `http://127.0.0.1:${service.port}`,
    stop,
    close: async () => {
      await stop();
      await pgDb?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

// The malformed requests share one service; the stopping test stops a service of its own (tests run in
// random order).
let shared: Started;
let service: RunningService;
let base: string;
beforeAll(async () => {
  shared = await startOwnService();
  service = shared.service;
  base = shared.base;
}, 120_000);
afterAll(async () => shared?.close());

/** Sends raw bytes and returns the status line's code. */
const rawRequest = (port: number, text: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let got = "";
    socket.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) {
        resolve(Number(m[1]));
        socket.destroy();
      }
    });
    socket.on("error", reject);
  });

/** A GET on a connection of its own (no keep-alive connection that the stopping service may close). */
const getOnNewConnection = (url: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on("error", reject);
  });

const signIn = async (on: Started, userCode: string): Promise<{ cookie: string; csrf: string }> => {
  const { code } = await issueLinkCode(on.service.app.deps, { userCode });
  const res = await fetch(`${on.base}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  const body = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: body.csrfToken };
};

describe("malformed requests", () => {
  it("GET /files/%ZZ is a 400 with a Vietnamese page, not a 500", async () => {
    const res = await fetch(`${base}/files/%ZZ`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Liên kết tải tệp không hợp lệ");
    expect((await fetch(`${base}/files/abc%`)).status).toBe(400);
  });

  it("a request target that is no URL (`GET //[`) is a 400 and the service keeps serving", async () => {
    expect(await rawRequest(service.port, "GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toBe(400);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("a malformed cookie escape reads as signed out, not as a 500", async () => {
    const res = await fetch(`${base}/chat/api/session`, { headers: { cookie: "edoc_chat=%ZZ" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ signedIn: false });
  });

  it("a JSON body over the JSON limit is refused with its own message, not the upload's 50 MB one", async () => {
    const res = await fetch(`${base}/chat/api/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "x".repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.message).toContain("tối đa 256 KB");
    expect(error.message).not.toContain("MB");
  });
});

describe("stopping the service", () => {
  it("lets an upload in flight finish, answers new requests 503, then stops", { timeout: 120_000 }, async () => {
    const own = await startOwnService();
    try {
      await stopsGracefully(own);
    } finally {
      await own.close();
    }
  });
});

/** Stops `own` while an upload is half sent: new requests get 503, the upload finishes with 200. */
const stopsGracefully = async (own: Started) => {
  const base = own.base;
  const { cookie, csrf } = await signIn(own, "vanthu");
  const boundary = "----edoc-drain-test";
  const pdf = Buffer.from(await samplePdf());
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="updateKey"\r\n\r\ndrain-upload-0001\r\n`),
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="cv.pdf"\r\ncontent-type: application/pdf\r\n\r\n`),
    pdf,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const half = Math.floor(body.length / 2);
  let uploading: http.ClientRequest | undefined;
  let flushed!: Promise<void>;
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(`${base}/chat/api/messages`, {
      method: "POST",
      headers: { cookie, "x-csrf-token": csrf, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    flushed = new Promise<void>((written) => req.write(body.subarray(0, half), () => written()));
    uploading = req;
  });
  // The upload's headers and first half are on the wire; a request on another connection after
  // that makes sure the service has taken it in before it is told to stop.
  await flushed;
  expect((await fetch(`${base}/healthz`)).status).toBe(200);

  const stopping = own.stop();
  const refused = await getOnNewConnection(`${base}/healthz`);
  expect(refused.status).toBe(503);
  expect((JSON.parse(refused.text) as { error: { message: string } }).error.message).toContain("khởi động lại");

  uploading!.end(body.subarray(half));
  const done = await answer;
  expect(done.status, done.text).toBe(200);
  await stopping;
};
