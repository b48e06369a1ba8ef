// The HTTP adapter against the fake interchange: real fetch, real sockets on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAxisHttpTransport, type AxisHttpTransportOptions } from "../../../core/interchange/axis-http-transport.ts";
import { buildEdxmlPackage, buildEdxmlStatus, EdxmlError, parseEdxmlPackage } from "../../../core/interchange/edxml.ts";
import { InterchangeError } from "../../../core/ports/interchange-transport.ts";
import { createMemorySink, samplePackage } from "../../support/edxml-fixtures.ts";
import { readElements, startFakeAxisServer, type FakeAxisServer } from "../../support/fake-axis-server.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };

const collect = async (body: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
};

const failure = async (promise: Promise<unknown>): Promise<InterchangeError> => {
  const err = await promise.then(
    () => new Error("the call succeeded"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InterchangeError);
  return err as InterchangeError;
};

describe("createAxisHttpTransport against the fake interchange", () => {
  let fake: FakeAxisServer;
  const transport = (over: Partial<AxisHttpTransportOptions> = {}) => createAxisHttpTransport({ baseUrl: `${fake.url}/`, ...CREDENTIALS, ...over });

  beforeEach(async () => {
    fake = await startFakeAxisServer(CREDENTIALS);
  });
  afterEach(async () => {
    await fake.close();
  });

  it("lists, fetches and acknowledges received packages; only `done` takes a package off the list", async () => {
    const bytes = buildEdxmlPackage(samplePackage());
    const first = fake.deliver(bytes, { from: "000.00.31.H10" });
    const second = fake.deliver(Buffer.from("<edXML/>"), { from: "000.00.40.H10" });
    const statusMessage = fake.deliver(Buffer.from("<status/>"), { from: "000.00.40.H10", messageType: "status" });
    const axis = transport();

    const listed = await axis.listReceived("edoc");
    expect(listed).toEqual([
      { docId: first, from: "000.00.31.H10", createdTime: "2026-12-10T01:00:00.000Z" },
      { docId: second, from: "000.00.40.H10", createdTime: "2026-12-10T01:00:00.000Z" },
    ]);
    expect((await axis.listReceived("status")).map((p) => p.docId)).toEqual([statusMessage]);

    expect((await collect(await axis.fetch(first))).equals(Buffer.from(bytes))).toBe(true);
    await vi.waitFor(() => expect(fake.downloads.map((d) => d.outcome)).toEqual(["complete"]));
    await axis.updateStatus(first, "done");
    await axis.updateStatus(second, "fail");
    expect(fake.statusUpdates).toEqual([
      { docId: first, status: "done" },
      { docId: second, status: "fail" },
    ]);
    expect((await axis.listReceived("edoc")).map((p) => p.docId)).toEqual([second]);

    const calls = fake.requests.map((r) => r.call);
    expect(calls).toEqual(["getReceivedEdocList", "getReceivedEdocList", "getEdoc", "updateStatus", "updateStatus", "getReceivedEdocList"]);
    expect(fake.requests.every((r) => r.headers.systemid === CREDENTIALS.systemId && r.headers.secret === CREDENTIALS.secret)).toBe(true);
    expect(fake.requests[0]!.headers).toMatchObject({ servicetype: "eDoc", messagetype: "edoc" });
    expect(fake.requests[2]!.headers.docid).toBe(first);
  });

  it("a fetched package streams straight into the parser", async () => {
    const input = samplePackage();
    const docId = fake.deliver(buildEdxmlPackage(input), { from: "000.00.31.H10" });
    const pkg = await parseEdxmlPackage(await transport().fetch(docId), { sink: createMemorySink(), maxAttachmentBytes: 1024 * 1024 });
    expect(pkg.header).toEqual(input.header);
    expect(pkg.attachments.map((a) => a.name)).toEqual(["45-STC-NS.pdf", "Phụ lục ảnh.png"]);
  });

  it("a package refused while streaming stops the download, and the transport keeps working", async () => {
    const input = samplePackage();
    input.attachments = [{ contentType: "application/pdf", name: "big.pdf", bytes: Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(8 * 1024 * 1024, 1)]) }];
    const docId = fake.deliver(buildEdxmlPackage(input), { from: "000.00.31.H10" });
    const axis = transport();
    const err = await parseEdxmlPackage(await axis.fetch(docId), { sink: createMemorySink(), maxAttachmentBytes: 100_000 }).catch((e: unknown) => e);
    expect((err as EdxmlError).code).toBe("too_large");
    // The client closed the transfer: the fake never sent the whole 8 MB package (~11 MB of base64).
    await vi.waitFor(() => expect(fake.downloads[0]!.outcome).toBe("aborted"));
    expect(fake.downloads[0]!.sentBytes).toBeLessThan(fake.packages[0]!.bytes.length);
    expect((await axis.listReceived("edoc")).map((p) => p.docId)).toEqual([docId]);
  });

  it("wrong credentials → refused with the axis' ErrorDesc and HTTP 401", async () => {
    const err = await failure(transport({ secret: "wrong" }).listReceived("edoc"));
    expect(err.kind).toBe("refused");
    expect(err.details).toEqual({ status: 401, errorDesc: "invalid systemid or secret" });
    expect(err.message).not.toContain("wrong");
  });

  it("HTTP 500 → unreachable; the next call goes through", async () => {
    fake.failNext(1, "500");
    const axis = transport();
    const err = await failure(axis.getAgencies());
    expect([err.kind, err.call, err.details.status]).toEqual(["unreachable", "getAgencies", 500]);
    expect(await axis.getAgencies()).toEqual([]);
  });

  it("a FAIL answer → refused with its ErrorDesc, for every call", async () => {
    const axis = transport();
    fake.failNext(5, "fail");
    for (const call of [
      () => axis.listReceived("edoc"),
      () => axis.fetch("1"),
      () => axis.updateStatus("1", "done"),
      () => axis.send(Buffer.from("x"), { from: "A", to: ["B"], messageType: "edoc" }),
      () => axis.getAgencies(),
    ]) {
      const err = await failure(call());
      expect([err.kind, err.details.errorDesc]).toEqual(["refused", "the axis is busy"]);
    }
  });

  it("an unknown docId → refused (the axis answers FAIL in JSON instead of a package)", async () => {
    const err = await failure(transport().fetch("424242"));
    expect([err.kind, err.call, err.details.errorDesc]).toEqual(["refused", "getEdoc", "no document 424242"]);
  });

  it("no answer → unreachable after the request timeout", async () => {
    fake.failNext(1, "hang");
    const axis = transport({ timeoutMs: 300 });
    const err = await failure(axis.updateStatus("1", "done"));
    expect(err.kind).toBe("unreachable");
    expect(err.message).toContain("no answer within 300 ms");
    expect(fake.requests.map((r) => r.status)).toEqual([0]);
  });

  it("the axis being down → unreachable", async () => {
    const url = fake.url;
    await fake.close();
    const err = await failure(createAxisHttpTransport({ baseUrl: url, ...CREDENTIALS }).listReceived("edoc"));
    expect(err.kind).toBe("unreachable");
    fake = await startFakeAxisServer(CREDENTIALS); // for afterEach
  });

  it("sends packages and status messages with from, to and messagetype; the fake records them", async () => {
    const axis = transport();
    const input = samplePackage();
    const { docId } = await axis.send(buildEdxmlPackage(input), { from: "000.00.31.H10", to: ["000.00.32.H10", "000.00.33.H10"], messageType: "edoc" });
    expect(docId).toMatch(/^\d+$/);
    expect(fake.sent).toHaveLength(1);
    const sent = fake.sent[0]!;
    expect([sent.docId, sent.from, sent.to, sent.messageType]).toEqual([docId, "000.00.31.H10", ["000.00.32.H10", "000.00.33.H10"], "edoc"]);
    // The test's own minimal reading of what went out.
    expect(readElements(sent.bytes, "Subject")).toEqual([input.header.subject]);
    expect(readElements(sent.bytes, "OrganId").slice(0, 3)).toEqual(["000.00.31.H10", "000.00.32.H10", "000.00.33.H10"]);
    expect(readElements(sent.bytes, "AttachmentName")).toEqual(["45-STC-NS.pdf", "Phụ lục ảnh.png", "45-STC-NS.pdf", "Phụ lục ảnh.png"]);
    const pdf = Buffer.from(readElements(sent.bytes, "ContentTransferEncoded")[0]!.replace(/\s+/g, ""), "base64");
    expect(pdf.equals(Buffer.from(input.attachments[0]!.bytes))).toBe(true);
    expect(fake.requests[0]!.headers["content-type"]).toBe("application/octet-stream");

    const status = buildEdxmlStatus({
      responseFor: { organId: "000.00.31.H10", code: "45/STC-NS", promulgationDate: "2026-12-10" },
      from: { organId: "000.00.32.H10" },
      statusCode: "01",
      timestamp: "2026-12-10T08:00:00",
    });
    await axis.send(status, { from: "000.00.32.H10", to: ["000.00.31.H10"], messageType: "status" });
    expect(fake.statuses.map((s) => readElements(s.bytes, "StatusCode"))).toEqual([["01"]]);
    expect(fake.sent).toHaveLength(1);
  });

  it("getAgencies maps the directory; entries without a code are left out", async () => {
    fake.agencies.push(
      { code: "000.00.31.H10", pcode: "000.00.00.H10", name: "Sở Tài chính", mail: "stc@binhdinh.gov.vn", level: 2 },
      { code: "000.00.32.H10", name: "UBND thành phố Quy Nhơn" },
      { name: "no code" },
    );
    expect(await transport().getAgencies()).toEqual([
      { code: "000.00.31.H10", pcode: "000.00.00.H10", name: "Sở Tài chính", mail: "stc@binhdinh.gov.vn", raw: fake.agencies[0] },
      { code: "000.00.32.H10", name: "UBND thành phố Quy Nhơn", raw: fake.agencies[1] },
    ]);
  });

  it("a JSON answer over the size limit → invalid_response", async () => {
    for (let i = 0; i < 200; i++) fake.agencies.push({ code: `000.00.${i}.H10`, name: "Ủy ban nhân dân ".repeat(10) });
    const err = await failure(transport({ maxJsonBytes: 10_000 }).getAgencies());
    expect([err.kind, err.call]).toEqual(["invalid_response", "getAgencies"]);
  });

  it("a package over the size limit → invalid_response, by content-length or while streaming", async () => {
    const docId = fake.deliver(Buffer.alloc(300_000, 0x20), { from: "A" });
    const axis = transport({ maxPackageBytes: 100_000 });
    expect((await failure(axis.fetch(docId))).kind).toBe("invalid_response");
    fake.chunkedDownloads = true;
    const body = await axis.fetch(docId);
    const err = await failure(collect(body));
    expect([err.kind, err.call]).toEqual(["invalid_response", "getEdoc"]);
  });
});
