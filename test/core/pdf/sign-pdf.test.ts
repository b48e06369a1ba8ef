import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfHasDigitalSignature } from "../../../core/pdf/detect-signature.ts";
import { stampSeal } from "../../../core/pdf/seal-stamp.ts";
import { loadAgencyCertificate, signPdf, type AgencyCertificate } from "../../../core/pdf/sign-pdf.ts";
import { samplePdf } from "../../support/workflow.ts";

const run = promisify(execFile);
let dir: string;
let certificate: AgencyCertificate;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sign-"));
  // A self-signed agency certificate made here, as a PKCS#12 with a passphrase.
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
    "-days",
    "30",
    "-subj",
    "/CN=UBND thanh pho Quy Nhon/O=UBND/C=VN",
  ]);
  await run("openssl", ["pkcs12", "-export", "-inkey", join(dir, "key.pem"), "-in", join(dir, "cert.pem"), "-out", join(dir, "agency.p12"), "-passout", "pass:mat-khau"]);
  await writeFile(join(dir, "pass.txt"), "mat-khau\n");
  certificate = await loadAgencyCertificate({ p12Path: join(dir, "agency.p12"), passphraseFile: join(dir, "pass.txt") });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("signPdf", () => {
  it("signs the sealed copy over the whole document (PAdES, ETSI.CAdES.detached); pdfsig finds it valid", async () => {
    const signedAt = new Date("2026-12-01T02:15:30Z");
    const sealed = await stampSeal(await samplePdf(), { agencyName: "UBND thành phố Quy Nhơn", numberAndNotation: "05/UBND-VP", signedAt });
    const before = sealed.slice();
    const signed = await signPdf(sealed, { certificate, signedAt, name: "UBND thành phố Quy Nhơn" });
    expect(sealed).toEqual(before);
    const path = join(dir, "signed.pdf");
    await writeFile(path, signed);
    // pdfsig exits non-zero when the certificate is not trusted (self-signed): read its report either way.
    const report = await run("pdfsig", [path]).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    expect(report).toContain("Signature Type: ETSI.CAdES.detached");
    expect(report).toContain("Total document signed");
    expect(report).toContain("Signature is Valid");
    const text = (await run("pdftotext", ["-f", "1", "-l", "1", path, "-"])).stdout;
    expect(text).toContain("Thời gian ký: 2026-12-01T09:15:30+07:00");
  });

  it("a changed byte after signing makes the signature invalid", async () => {
    const signed = await signPdf(await samplePdf(), { certificate, signedAt: new Date("2026-12-01T02:15:30Z") });
    const tampered = signed.slice();
    // A byte of the binary comment after the header: the file still parses, the digest differs.
    const at = Buffer.from(tampered).indexOf("\n%") + 2;
    expect(at).toBeLessThan(20);
    tampered[at] = tampered[at]! ^ 0x01;
    const path = join(dir, "tampered.pdf");
    await writeFile(path, tampered);
    const report = await run("pdfsig", [path]).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    expect(report).not.toContain("Signature is Valid");
  });

  it("refuses a wrong passphrase or a missing file before anything is signed", async () => {
    await expect(loadAgencyCertificate({ p12Path: join(dir, "agency.p12"), passphrase: "sai" })).rejects.toMatchObject({ code: "AGENCY_CERTIFICATE_INVALID" });
    await expect(loadAgencyCertificate({ p12Path: join(dir, "none.p12") })).rejects.toMatchObject({ code: "AGENCY_CERTIFICATE_INVALID" });
    const p12 = new Uint8Array(await readFile(join(dir, "agency.p12")));
    await expect(signPdf(await samplePdf(), { certificate: { p12, passphrase: "sai" }, signedAt: new Date() })).rejects.toMatchObject({ code: "AGENCY_CERTIFICATE_INVALID" });
  });

  it("tells a PDF signed by its signer from an unsigned one (a scan): the seal block's form depends on it", async () => {
    const scan = await samplePdf();
    expect(await pdfHasDigitalSignature(scan)).toBe(false);
    const signed = await signPdf(scan, { certificate, signedAt: new Date("2026-12-01T02:15:30Z"), name: "Nguyễn Văn An" });
    expect(await pdfHasDigitalSignature(signed)).toBe(true);
    // Still true after qpdf rewrote the file with object streams (found through the parsed objects, not the raw bytes).
    const path = join(dir, "objstm.pdf");
    await writeFile(path, signed);
    await run("qpdf", ["--object-streams=generate", path, join(dir, "objstm-out.pdf")]);
    expect(await pdfHasDigitalSignature(new Uint8Array(await readFile(join(dir, "objstm-out.pdf"))))).toBe(true);
    await expect(pdfHasDigitalSignature(new TextEncoder().encode("not a pdf"))).rejects.toMatchObject({ code: "PDF_CORRUPT" });
  });
});
