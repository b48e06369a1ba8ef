// A small, tolerant multipart/form-data parser for the fake Telegram Bot API server.
//
// grammY writes part headers without spaces and with unquoted file names, e.g.
//   content-disposition:form-data;name="abc";filename=Công văn 12.pdf
// which Node's `Request.formData()` rejects. This parser accepts that as well as the usual
// browser/curl shape (quoted values, `filename*=UTF-8''…`). It is binary-safe: file parts are
// returned as Buffers, never decoded as text.

export interface MultipartFile {
  /** The form field name (for grammY uploads: the random id used in `attach://<id>`). */
  name: string;
  fileName: string;
  contentType: string | undefined;
  bytes: Buffer;
}

export interface MultipartResult {
  /** Text fields, decoded as UTF-8. A repeated name keeps the last value. */
  fields: Record<string, string>;
  /** File parts (parts with a `filename` parameter), keyed by field name. */
  files: Record<string, MultipartFile>;
}

export class MultipartError extends Error {
  override name = "MultipartError";
}

/** Extracts the boundary from a `multipart/form-data; boundary=…` content type. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /(?:^|;)\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary === undefined || boundary === "" ? undefined : boundary;
}

const CRLF = Buffer.from("\r\n");

/**
 * Parses a complete multipart body. Throws `MultipartError` when the boundary is missing or the
 * body has no opening delimiter. A missing closing delimiter is tolerated (the last part runs to
 * the end of the body).
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartResult {
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) throw new MultipartError("multipart body without a boundary");
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.concat([CRLF, dashBoundary]);

  const result: MultipartResult = { fields: {}, files: {} };

  // The first delimiter may be at offset 0 (no preamble) or after a preamble ending in CRLF.
  let pos: number;
  if (body.subarray(0, dashBoundary.length).equals(dashBoundary)) pos = dashBoundary.length;
  else {
    const first = body.indexOf(delimiter);
    if (first < 0) throw new MultipartError("multipart body without an opening boundary");
    pos = first + delimiter.length;
  }

  for (;;) {
    // After a delimiter: "--" closes the body; otherwise optional whitespace, then a line break.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    if (pos >= body.length) break;

    const next = body.indexOf(delimiter, pos);
    const partEnd = next < 0 ? body.length : next;
    parsePart(body.subarray(pos, partEnd), result);
    if (next < 0) break;
    pos = next + delimiter.length;
  }
  return result;
}

function parsePart(part: Buffer, result: MultipartResult): void {
  // Headers end at the first empty line (CRLF CRLF; a bare LF LF is tolerated).
  let headerEnd = part.indexOf("\r\n\r\n");
  let bodyStart = headerEnd + 4;
  if (headerEnd < 0) {
    headerEnd = part.indexOf("\n\n");
    bodyStart = headerEnd + 2;
  }
  if (headerEnd < 0) return; // a part without headers carries no name: ignore it
  const headers = parseHeaders(part.subarray(0, headerEnd).toString("utf8"));
  const disposition = headers.get("content-disposition");
  if (disposition === undefined) return;
  const params = parseDisposition(disposition);
  const name = params.get("name");
  if (name === undefined) return;
  const content = part.subarray(bodyStart);
  const fileName = params.get("filename*") ?? params.get("filename");
  if (fileName !== undefined) {
    // Copy: the caller may keep the file long after the request body is gone.
    result.files[name] = { name, fileName, contentType: headers.get("content-type"), bytes: Buffer.from(content) };
  } else {
    result.fields[name] = content.toString("utf8");
  }
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * Parses `form-data; name="x"; filename=...` into lower-cased parameter names. Quoted values honour
 * backslash escapes. An unquoted `filename` takes the rest of the header (grammY puts it last and
 * does not quote it, so it may contain `;` or spaces). `filename*=charset''pct-encoded` is decoded.
 */
export function parseDisposition(value: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = value.indexOf(";");
  if (i < 0) return params;
  i++;
  while (i < value.length) {
    while (value[i] === " " || value[i] === "\t" || value[i] === ";") i++;
    const eq = value.indexOf("=", i);
    if (eq < 0) break;
    const key = value.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (value[i] === " " || value[i] === "\t") i++;
    let param: string;
    if (value[i] === '"') {
      let out = "";
      let j = i + 1;
      let closed = false;
      for (; j < value.length; j++) {
        const ch = value[j];
        if (ch === "\\" && j + 1 < value.length) out += value[++j];
        else if (ch === '"') {
          closed = true;
          break;
        } else out += ch;
      }
      const rest = value.slice(j + 1).trimStart();
      if (closed && (rest === "" || rest.startsWith(";"))) {
        param = out;
        i = j + 1;
      } else {
        // Not a well-formed quoted string (e.g. an unquoted file name starting with a quote).
        param = key === "filename" ? value.slice(i).trim() : out;
        i = key === "filename" ? value.length : j + 1;
      }
    } else if (key === "filename") {
      param = value.slice(i).trim();
      i = value.length;
    } else {
      const semi = value.indexOf(";", i);
      const end = semi < 0 ? value.length : semi;
      param = value.slice(i, end).trim();
      i = end;
    }
    if (key === "filename*") param = decodeExtendedValue(param);
    params.set(key, param);
  }
  return params;
}

function decodeExtendedValue(value: string): string {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (match === null) return value;
  try {
    return decodeURIComponent(match[2] ?? "");
  } catch {
    return value;
  }
}
