// A small fake of an S3-compatible object store on 127.0.0.1, for the real `@aws-sdk/client-s3`
// client: path-style addressing (`/bucket/key`), PUT / GET / HEAD / DELETE of one object, S3's XML
// errors (404 NoSuchKey / NoSuchBucket, 403 AccessDenied). It checks that every request carries a
// SigV4 Authorization header for the expected access key (it does not verify the signature), and
// refuses `aws-chunked` bodies as many S3-compatible stores do. Every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeS3Request = { method: string; bucket: string; key: string; status: number; bytes: number };

export type FakeS3Server = {
  /** e.g. http://127.0.0.1:41234 — pass as the client's `endpoint` with `forcePathStyle: true`. */
  endpoint: string;
  /** Stored objects by `bucket/key`. */
  objects: Map<string, Buffer>;
  requests: FakeS3Request[];
  close(): Promise<void>;
};

const xmlError = (res: ServerResponse, status: number, code: string, message: string, resource: string, method: string) => {
  // A HEAD response has no body: the SDK then names the error by its status (404 → NotFound).
  if (method === "HEAD") {
    res.writeHead(status).end();
    return;
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${resource}</Resource><RequestId>fake-s3</RequestId></Error>`;
  res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) }).end(body);
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * Starts the fake with the given buckets (each starts empty) and the one access key it accepts.
 *
 * @example
 * const s3 = await startFakeS3Server({ buckets: ["edoc"], accessKeyId: "AKIAFAKE" });
 */
export const startFakeS3Server = async ({ buckets, accessKeyId }: { buckets: string[]; accessKeyId: string }): Promise<FakeS3Server> => {
  const objects = new Map<string, Buffer>();
  const requests: FakeS3Request[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? "GET";
      const url = new URL(req.url ?? "/", "http://fake-s3");
      const [, bucket = "", ...rest] = url.pathname.split("/");
      const key = decodeURIComponent(rest.join("/"));
      const resource = `/${bucket}/${key}`;
      const done = (status: number, bytes = 0) => requests.push({ method, bucket, key, status, bytes });
      const auth = req.headers.authorization ?? "";
      if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`) || !auth.includes("Signature=")) {
        await readBody(req);
        done(403);
        return xmlError(res, 403, "AccessDenied", "Access Denied", resource, method);
      }
      if (!buckets.includes(bucket)) {
        await readBody(req);
        done(404);
        return xmlError(res, 404, "NoSuchBucket", "The specified bucket does not exist", resource, method);
      }
      const id = `${bucket}/${key}`;
      if (method === "PUT") {
        if (String(req.headers["content-encoding"] ?? "").includes("aws-chunked")) {
          await readBody(req);
          done(501);
          return xmlError(res, 501, "NotImplemented", "aws-chunked encoding is not supported", resource, method);
        }
        const body = await readBody(req);
        const declared = req.headers["content-length"];
        if (declared !== undefined && Number(declared) !== body.byteLength) {
          done(400);
          return xmlError(res, 400, "IncompleteBody", "The body is shorter than Content-Length", resource, method);
        }
        objects.set(id, body);
        done(200, body.byteLength);
        res.writeHead(200, { etag: `"${body.byteLength}"` }).end();
        return;
      }
      const stored = objects.get(id);
      if (method === "DELETE") {
        objects.delete(id);
        done(204);
        res.writeHead(204).end();
        return;
      }
      if (method === "GET" || method === "HEAD") {
        if (!stored) {
          done(404);
          return xmlError(res, 404, "NoSuchKey", "The specified key does not exist.", resource, method);
        }
        done(200, method === "GET" ? stored.byteLength : 0);
        res.writeHead(200, { "content-length": stored.byteLength, "content-type": "application/octet-stream", etag: `"${stored.byteLength}"` });
        res.end(method === "GET" ? stored : undefined);
        return;
      }
      done(405);
      xmlError(res, 405, "MethodNotAllowed", "The specified method is not allowed", resource, method);
    })().catch((err: unknown) => {
      res.destroy(err as Error);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
