// A fake of the national document interchange (trục liên thông) on 127.0.0.1, speaking the calls of
// docs/EDXML.md: POST {url}/getReceivedEdocList | getEdoc | updateStatus | sendEdoc | getAgencies with
// the `systemid`/`secret` headers, JSON answers `{ status: "OK" | "FAIL", ErrorDesc }`. A test puts
// packages on it (`deliver`), reads what our side sent (`sent`, `statuses`) and the statuses it set
// (`statusUpdates`), and can make the next calls fail (500, FAIL, or no answer at all).
//
// It does not use our edXML parser: what a test wants from a sent package it reads with `readElements`,
// a minimal reading of its own.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeAxisPackage = { docId: string; from: string; messageType: "edoc" | "status"; bytes: Buffer; createdTime: string; done: boolean };
export type FakeAxisSent = { docId: string; from: string; to: string[]; messageType: string; bytes: Buffer };
export type FakeAxisRequest = { call: string; status: number; headers: Record<string, string> };
/** HTTP 500, a `FAIL` answer, HTTP 400 (the request itself refused), or no answer at all. */
export type FakeAxisFailure = "500" | "fail" | "400" | "hang";
/** One `getEdoc` transfer: `aborted` when the client stopped reading and closed the connection. */
export type FakeAxisDownload = { docId: string; sentBytes: number; outcome: "pending" | "complete" | "aborted" };

export type FakeAxisServer = {
  /** Base URL to give the adapter (`AXIS_URL`). */
  url: string;
  /** Puts a package (or status message) on the axis for us; returns its docId. */
  deliver(bytes: Uint8Array, options: { from: string; messageType?: "edoc" | "status" }): string;
  /** Everything delivered, with `done` set once we said `updateStatus done`. */
  packages: FakeAxisPackage[];
  /** `updateStatus` calls, in order. */
  statusUpdates: { docId: string; status: string }[];
  /** Packages our side sent with `sendEdoc` and `messagetype: edoc`. */
  sent: FakeAxisSent[];
  /** Status messages our side sent (`messagetype: status`). */
  statuses: FakeAxisSent[];
  /** The directory `getAgencies` serves. */
  agencies: Record<string, unknown>[];
  /** Every request, in order. */
  requests: FakeAxisRequest[];
  /** Every package transfer, in order. */
  downloads: FakeAxisDownload[];
  /** The next `n` calls fail: HTTP 500, a `FAIL` answer, or no answer at all until the client gives up. */
  failNext(n: number, how: FakeAxisFailure): void;
  /** The next `n` calls of one kind (e.g. `updateStatus`) fail; other calls are answered. */
  failNextCall(call: string, n: number, how: FakeAxisFailure): void;
  /** `getEdoc` answers without content-length (chunked), as some platforms do. */
  chunkedDownloads: boolean;
  close(): Promise<void>;
};

/**
 * The texts of every element with this local name, whatever its prefix (no namespaces, no entities but
 * the five predefined ones, no CDATA): enough for a test to check what our builder wrote.
 */
export const readElements = (xml: Uint8Array | string, local: string): string[] => {
  const text = typeof xml === "string" ? xml : Buffer.from(xml).toString("utf8");
  const re = new RegExp(`<(?:[\\w.-]+:)?${local}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}>`, "g");
  return [...text.matchAll(re)].map((m) =>
    m[1]!
      .trim()
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, "&"),
  );
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
};

/**
 * Starts the fake with the credentials it accepts.
 *
 * @example
 * const axis = await startFakeAxisServer({ systemId: "edoc-test", secret: "s3cret" });
 * const docId = axis.deliver(buildEdxmlPackage(input), { from: "000.00.31.H10" });
 */
export const startFakeAxisServer = async ({ systemId, secret }: { systemId: string; secret: string }): Promise<FakeAxisServer> => {
  let nextId = 1000;
  const failures: FakeAxisFailure[] = [];
  const callFailures = new Map<string, FakeAxisFailure[]>();
  const hanging = new Set<ServerResponse>();

  const fake: Omit<FakeAxisServer, "url" | "close"> = {
    packages: [],
    statusUpdates: [],
    sent: [],
    statuses: [],
    agencies: [],
    requests: [],
    downloads: [],
    chunkedDownloads: false,
    deliver(bytes, { from, messageType = "edoc" }) {
      const docId = String(nextId++);
      fake.packages.push({ docId, from, messageType, bytes: Buffer.from(bytes), createdTime: new Date(Date.UTC(2026, 11, 10, 1, 0, 0)).toISOString(), done: false });
      return docId;
    },
    failNext(n, how) {
      for (let i = 0; i < n; i++) failures.push(how);
    },
    failNextCall(call, n, how) {
      const queue = callFailures.get(call) ?? [];
      for (let i = 0; i < n; i++) queue.push(how);
      callFailures.set(call, queue);
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const call = new URL(req.url ?? "/", "http://fake-axis").pathname.replace(/^\//, "");
    const body = await readBody(req);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
    const record = (status: number) => fake.requests.push({ call, status, headers });

    if (req.method !== "POST") {
      record(405);
      return json(res, 405, { status: "FAIL", ErrorDesc: "POST only" });
    }
    if (headers.systemid !== systemId || headers.secret !== secret) {
      record(401);
      return json(res, 401, { status: "FAIL", ErrorDesc: "invalid systemid or secret" });
    }
    const failure = callFailures.get(call)?.shift() ?? failures.shift();
    if (failure === "hang") {
      record(0);
      hanging.add(res);
      return; // never answers; closed when the client gives up or the fake closes
    }
    if (failure === "500") {
      record(500);
      res.writeHead(500, { "content-type": "text/html" }).end("<html><body>Internal Server Error</body></html>");
      return;
    }
    if (failure === "fail") {
      record(200);
      return json(res, 200, { status: "FAIL", ErrorDesc: "the axis is busy" });
    }
    if (failure === "400") {
      record(400);
      return json(res, 400, { status: "FAIL", ErrorDesc: "malformed package" });
    }

    switch (call) {
      case "getReceivedEdocList": {
        const type = headers.messagetype === "status" ? "status" : "edoc";
        if (headers.servicetype !== "eDoc") {
          record(200);
          return json(res, 200, { status: "FAIL", ErrorDesc: "servicetype missing" });
        }
        record(200);
        const data = fake.packages.filter((p) => !p.done && p.messageType === type).map((p) => ({ docId: p.docId, from: p.from, created_time: p.createdTime }));
        return json(res, 200, { status: "OK", data });
      }
      case "getEdoc": {
        const pkg = fake.packages.find((p) => p.docId === headers.docid);
        if (!pkg) {
          record(200);
          return json(res, 200, { status: "FAIL", ErrorDesc: `no document ${headers.docid}` });
        }
        record(200);
        const head: Record<string, string | number> = { "content-type": "application/octet-stream" };
        if (!fake.chunkedDownloads) head["content-length"] = pkg.bytes.length;
        const download: FakeAxisDownload = { docId: pkg.docId, sentBytes: 0, outcome: "pending" };
        fake.downloads.push(download);
        res.once("close", () => {
          download.outcome = res.writableFinished ? "complete" : "aborted";
        });
        res.writeHead(200, head);
        // In pieces, so that a client that stops reading really stops the transfer.
        for (let i = 0; i < pkg.bytes.length; i += 64 * 1024) {
          if (res.destroyed) return;
          const piece = pkg.bytes.subarray(i, i + 64 * 1024);
          download.sentBytes += piece.length;
          if (!res.write(piece))
            await new Promise<void>((r) => {
              res.once("drain", r);
              res.once("close", r);
            });
        }
        res.end();
        return;
      }
      case "updateStatus": {
        const pkg = fake.packages.find((p) => p.docId === headers.docid);
        if (!pkg || (headers.status !== "done" && headers.status !== "fail")) {
          record(200);
          return json(res, 200, { status: "FAIL", ErrorDesc: pkg ? "status must be done or fail" : `no document ${headers.docid}` });
        }
        record(200);
        fake.statusUpdates.push({ docId: pkg.docId, status: headers.status });
        if (headers.status === "done") pkg.done = true;
        return json(res, 200, { status: "OK" });
      }
      case "sendEdoc": {
        const to = (headers.to ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        if (!headers.from || to.length === 0 || body.length === 0 || !["edoc", "status"].includes(headers.messagetype ?? "")) {
          record(200);
          return json(res, 200, { status: "FAIL", ErrorDesc: "from, to, messagetype and a body are required" });
        }
        record(200);
        const item = { docId: String(nextId++), from: headers.from, to, messageType: headers.messagetype!, bytes: body };
        (item.messageType === "status" ? fake.statuses : fake.sent).push(item);
        return json(res, 200, { status: "OK", docId: item.docId });
      }
      case "getAgencies":
        record(200);
        return json(res, 200, { status: "OK", data: fake.agencies });
      default:
        record(404);
        return json(res, 404, { status: "FAIL", ErrorDesc: `unknown call ${call}` });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { status: "FAIL", ErrorDesc: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
};
