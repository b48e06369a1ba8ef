// The HTTP adapter of the interchange transport, speaking the calls as the public SDK makes them
// (docs/EDXML.md, "Transport"): every call a POST to `{baseUrl}/{call}` with the credentials in the
// `systemid` and `secret` headers, answers `{ status: "OK" | "FAIL", ErrorDesc?, ... }` in JSON, except
// `getEdoc`, which answers the package itself. Every call has a timeout; JSON answers and packages have a
// size limit. A province whose platform differs (OAuth in front, other paths) gets its own adapter of the
// same port.
import {
  InterchangeError,
  type InterchangeAgency,
  type InterchangeMessageType,
  type InterchangeTransport,
  type ReceivedPackage,
  type SendPackageOptions,
} from "../ports/interchange-transport.ts";

/** Options of {@link createAxisHttpTransport}. */
export type AxisHttpTransportOptions = {
  /** `AXIS_URL`: the endpoint's base URL, without the call name (a trailing slash is tolerated). */
  baseUrl: string;
  /** `AXIS_SYSTEM_ID`. */
  systemId: string;
  /** `AXIS_SECRET`: sent as a header, never logged nor put in errors. */
  secret: string;
  /**
   * Time for one call to answer; for `getEdoc`, also the longest pause between two pieces of the download.
   * @defaultValue 30_000
   */
  timeoutMs?: number;
  /** Largest JSON answer read (the agency directory is the big one). @defaultValue 10 MiB */
  maxJsonBytes?: number;
  /** Largest package downloaded: past it the stream fails. @defaultValue 200 MiB */
  maxPackageBytes?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
};

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_JSON_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_PACKAGE_BYTES = 200 * 1024 * 1024;

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const asId = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined);
const asText = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** A timer that aborts a controller unless reset or cleared in time. */
const watchdog = (controller: AbortController, ms: number) => {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no answer within ${ms} ms`)), ms);
  };
  arm();
  return {
    reset: arm,
    clear: () => clearTimeout(timer),
    get fired() {
      return controller.signal.aborted;
    },
  };
};

/** Reads a body up to `limit` bytes; past it cancels the body and fails. */
const readLimited = async (body: ReadableStream<Uint8Array> | null, limit: number, call: string, onChunk: () => void): Promise<Buffer> => {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onChunk();
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined); // abandoning the body; the size error is thrown
      throw new InterchangeError("invalid_response", call, `answer larger than ${limit} bytes`);
    }
    parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(parts);
};

/**
 * Creates the HTTP transport.
 *
 * @example
 * const axis = createAxisHttpTransport({ baseUrl: config.AXIS_URL, systemId: config.AXIS_SYSTEM_ID, secret: config.AXIS_SECRET });
 * for (const item of await axis.listReceived("edoc")) { const body = await axis.fetch(item.docId); ... }
 */
export const createAxisHttpTransport = (options: AxisHttpTransportOptions): InterchangeTransport => {
  const {
    systemId,
    secret,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    maxJsonBytes = DEFAULT_MAX_JSON_BYTES,
    maxPackageBytes = DEFAULT_MAX_PACKAGE_BYTES,
    fetch: fetchImpl = globalThis.fetch,
  } = options;
  if (!options.baseUrl) throw new TypeError("createAxisHttpTransport: baseUrl is required");
  const base = options.baseUrl.replace(/\/+$/, "");

  /** Sends one call; resolves with the response once its headers arrived (the watchdog still running). */
  const post = async (call: string, headers: Record<string, string>, body?: Uint8Array) => {
    const controller = new AbortController();
    const dog = watchdog(controller, timeoutMs);
    try {
      const response = await fetchImpl(`${base}/${call}`, {
        method: "POST",
        headers: { systemid: systemId, secret, ...headers, ...(body ? { "content-type": "application/octet-stream" } : {}) },
        body: body ? new Uint8Array(body) : undefined,
        signal: controller.signal,
      });
      return { response, dog };
    } catch (err) {
      dog.clear();
      throw new InterchangeError(
        "unreachable",
        call,
        dog.fired ? `no answer within ${timeoutMs} ms` : `network error: ${err instanceof Error ? err.message : String(err)}`,
        {},
        { cause: err },
      );
    }
  };

  /** Reads and checks a JSON answer: `OK` resolves with the body, anything else throws. */
  const readAnswer = async (call: string, response: Response, dog: ReturnType<typeof watchdog>): Promise<Json> => {
    let raw: Buffer;
    try {
      raw = await readLimited(response.body, maxJsonBytes, call, dog.reset);
    } catch (err) {
      if (err instanceof InterchangeError) throw err;
      throw new InterchangeError("unreachable", call, dog.fired ? `answer stalled for ${timeoutMs} ms` : "the answer broke off", { status: response.status }, { cause: err });
    } finally {
      dog.clear();
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      body = undefined; // not JSON: the status alone describes the failure
    }
    const errorDesc = isRecord(body) ? (asText(body.ErrorDesc) ?? asText(body.errorDesc)) : undefined;
    const details = { status: response.status, ...(errorDesc ? { errorDesc } : {}) };
    if (response.status >= 500) throw new InterchangeError("unreachable", call, `HTTP ${response.status}${errorDesc ? `: ${errorDesc}` : ""}`, details);
    if (response.status >= 400) throw new InterchangeError("refused", call, `HTTP ${response.status}${errorDesc ? `: ${errorDesc}` : ""}`, details);
    if (!isRecord(body)) throw new InterchangeError("invalid_response", call, `HTTP ${response.status} with an answer that is not a JSON object`, details);
    const status = typeof body.status === "string" ? body.status.toUpperCase() : undefined;
    if (status === "OK") return body;
    if (status === "FAIL") throw new InterchangeError("refused", call, `FAIL${errorDesc ? `: ${errorDesc}` : ""}`, details);
    throw new InterchangeError("invalid_response", call, "the answer has no status OK or FAIL", details);
  };

  const jsonCall = async (call: string, headers: Record<string, string>, body?: Uint8Array) => {
    const { response, dog } = await post(call, headers, body);
    return readAnswer(call, response, dog);
  };

  const dataArray = (call: string, body: Json): unknown[] => {
    if (body.data === undefined || body.data === null) return [];
    if (!Array.isArray(body.data)) throw new InterchangeError("invalid_response", call, "data is not a list");
    return body.data;
  };

  return {
    async listReceived(messageType: InterchangeMessageType): Promise<ReceivedPackage[]> {
      const call = "getReceivedEdocList";
      const body = await jsonCall(call, { servicetype: "eDoc", messagetype: messageType });
      return dataArray(call, body).map((item) => {
        const docId = isRecord(item) ? asId(item.docId) : undefined;
        if (!isRecord(item) || !docId) throw new InterchangeError("invalid_response", call, "an entry has no docId");
        const createdTime = asText(item.created_time);
        return { docId, from: asText(item.from) ?? "", ...(createdTime ? { createdTime } : {}) };
      });
    },

    async fetch(docId: string): Promise<AsyncIterable<Uint8Array>> {
      const call = "getEdoc";
      const { response, dog } = await post(call, { docid: docId });
      const type = response.headers.get("content-type") ?? "";
      if (response.status !== 200 || /json/i.test(type)) {
        // An error, or a JSON answer (FAIL: no such package); an OK in JSON carries no package.
        await readAnswer(call, response, dog);
        throw new InterchangeError("invalid_response", call, "a JSON answer instead of the package");
      }
      const declared = Number(response.headers.get("content-length"));
      if (Number.isFinite(declared) && declared > maxPackageBytes) {
        dog.clear();
        await response.body?.cancel().catch(() => undefined); // abandoning the body; the size error is thrown
        throw new InterchangeError("invalid_response", call, `package of ${declared} bytes is larger than ${maxPackageBytes}`, { status: response.status });
      }
      const body = response.body;
      return (async function* () {
        if (!body) return;
        const reader = body.getReader();
        let size = 0;
        let finished = false;
        try {
          dog.reset();
          for (;;) {
            let chunk: ReadableStreamReadResult<Uint8Array>;
            try {
              chunk = await reader.read();
            } catch (err) {
              throw new InterchangeError(
                "unreachable",
                call,
                dog.fired ? `download stalled for ${timeoutMs} ms` : "the download broke off",
                { status: response.status },
                { cause: err },
              );
            }
            if (chunk.done) break;
            dog.reset();
            size += chunk.value.byteLength;
            if (size > maxPackageBytes) throw new InterchangeError("invalid_response", call, `package larger than ${maxPackageBytes} bytes`, { status: response.status });
            yield chunk.value;
          }
          finished = true;
        } finally {
          dog.clear();
          // The reader stopped early (a refused package, a limit): do not download the rest.
          if (!finished) await reader.cancel().catch(() => undefined); // the reader's own error is what propagates
        }
      })();
    },

    async updateStatus(docId: string, status: "done" | "fail"): Promise<void> {
      await jsonCall("updateStatus", { docid: docId, status });
    },

    async send(bytes: Uint8Array, { from, to, messageType }: SendPackageOptions): Promise<{ docId: string }> {
      const call = "sendEdoc";
      if (to.length === 0) throw new TypeError("send: at least one recipient");
      const body = await jsonCall(call, { from, to: to.join(","), messagetype: messageType }, bytes);
      const docId = asId(body.docId);
      if (!docId) throw new InterchangeError("invalid_response", call, "OK without a docId");
      return { docId };
    },

    async getAgencies(): Promise<InterchangeAgency[]> {
      const call = "getAgencies";
      const body = await jsonCall(call, {});
      return dataArray(call, body).flatMap((item): InterchangeAgency[] => {
        const code = isRecord(item) ? asId(item.code) : undefined;
        if (!isRecord(item) || !code) return []; // an entry without a code cannot be addressed
        const pcode = asId(item.pcode);
        const mail = asText(item.mail);
        return [{ code, name: asText(item.name) ?? "", ...(pcode ? { pcode } : {}), ...(mail ? { mail } : {}), raw: item }];
      });
    },
  };
};
