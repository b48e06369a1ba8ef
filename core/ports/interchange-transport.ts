// The interchange transport port: how the connector talks to the national document interchange (trục
// liên thông) or a province's platform in front of it (docs/EDXML.md, "Transport"). The workflow
// only sees this port; a province's variant (OAuth, other paths) is a new adapter, not a change to the
// workflow. The HTTP adapter of the public SDK's calls is core/interchange/axis-http-transport.ts.

/** What a list or a send is about: a document package or a status message. */
export type InterchangeMessageType = "edoc" | "status";

/** One package waiting on the axis for us. */
export type ReceivedPackage = {
  docId: string;
  /** The sender's OrganId, as the axis lists it. */
  from: string;
  /** As the axis sent it (its format is not specified); absent when not given. */
  createdTime?: string;
};

/** An agency of the axis' directory (`getAgencies`). */
export type InterchangeAgency = {
  /** Its OrganId (mã định danh). */
  code: string;
  /** The parent agency's code, when given. */
  pcode?: string;
  name: string;
  mail?: string;
  /** Every field the axis sent, for what the directory import may want later. */
  raw: Record<string, unknown>;
};

export type SendPackageOptions = {
  /** Our OrganId. */
  from: string;
  /** The recipients' OrganIds (at least one). */
  to: string[];
  messageType: InterchangeMessageType;
};

/**
 * Why a call failed, as the connector needs to know it:
 * - `unreachable`: network error, timeout, HTTP 5xx: nothing was decided, try again later;
 * - `refused`: the axis answered `FAIL` (or 4xx, e.g. wrong credentials): `errorDesc` says why;
 * - `invalid_response`: the answer is not what the protocol says (not JSON, no docId, too large).
 */
export class InterchangeError extends Error {
  constructor(
    readonly kind: "unreachable" | "refused" | "invalid_response",
    /** The call, e.g. `getEdoc`. */
    readonly call: string,
    message: string,
    readonly details: { status?: number; errorDesc?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(`${call}: ${message}`, options);
    this.name = "InterchangeError";
  }
}

/** The calls of the interchange. Every method rejects with an {@link InterchangeError} only. */
export type InterchangeTransport = {
  /** Packages (or status messages) waiting for us. */
  listReceived(messageType: InterchangeMessageType): Promise<ReceivedPackage[]>;
  /**
   * One package's bytes, as a stream: read it with the edXML parser, which stops early on a bad package
   * (the rest is then not downloaded). The stream itself fails with an InterchangeError when the download
   * breaks, stalls, or passes the adapter's size limit.
   */
  fetch(docId: string): Promise<AsyncIterable<Uint8Array>>;
  /** Tells the axis we took the package (`done`, after a durable write only) or could not (`fail`). */
  updateStatus(docId: string, status: "done" | "fail"): Promise<void>;
  /** Sends a package or a status message; resolves with the axis' docId. */
  send(bytes: Uint8Array, options: SendPackageOptions): Promise<{ docId: string }>;
  /** The axis' directory of agencies. */
  getAgencies(): Promise<InterchangeAgency[]>;
};
