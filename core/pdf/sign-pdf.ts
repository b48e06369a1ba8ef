// The agency's digital signature (chữ ký số cơ quan, DOMAIN.md §2 step 4 and §4) on an issued
// document: a PAdES signature (subfilter ETSI.CAdES.detached) over the whole file, made with the
// agency's certificate from a PKCS#12 file. Stamp first, sign last: re-saving a signed PDF would
// break the signature's coverage (STACK.md), so this is always the final step.
//
// The certificate is configured by the composition root (env AGENCY_P12_PATH and
// AGENCY_P12_PASSPHRASE or AGENCY_P12_PASSPHRASE_FILE, read by `agencyCertificateOptionsFromEnv`)
// and handed to core as an option; core never reads the environment itself.
import { readFile } from "node:fs/promises";
// pdf-lib, @signpdf and node-forge are loaded by the first signature (or certificate check), not when
// the service starts.
import type { PDFDocument } from "pdf-lib";
import { DomainError } from "../errors.ts";

/** The agency's certificate and private key (PKCS#12) with its passphrase, loaded in memory. */
export type AgencyCertificate = {
  /** The PKCS#12 (.p12 / .pfx) bytes. */
  p12: Uint8Array;
  /** Its passphrase. @defaultValue "" */
  passphrase?: string;
};

/** Where the certificate lives, as the environment names it. */
export type AgencyCertificateOptions = {
  /** Path of the PKCS#12 file (AGENCY_P12_PATH). */
  p12Path: string;
  /** The passphrase itself (AGENCY_P12_PASSPHRASE). */
  passphrase?: string;
  /** A file holding the passphrase, trailing newline ignored (AGENCY_P12_PASSPHRASE_FILE); wins over `passphrase`. */
  passphraseFile?: string;
};

/** What the signature records besides the certificate. */
export type SignPdfOptions = {
  certificate: AgencyCertificate;
  /** The signing time (the same instant the visible seal block prints). */
  signedAt: Date;
  /** Signer's name in the signature dictionary; default: the certificate's subject. @defaultValue "" */
  name?: string;
  /** @defaultValue "Phát hành văn bản" */
  reason?: string;
  /** @defaultValue "" */
  location?: string;
  /** @defaultValue "" */
  contactInfo?: string;
};

/** The subfilter of a PAdES baseline signature. */
export const PADES_SUBFILTER = "ETSI.CAdES.detached";
/** Room for the CMS signature in bytes: a certificate chain of an official CA fits comfortably. */
const SIGNATURE_LENGTH = 16_384;

/**
 * Loads the certificate named by the options and checks that it can sign (the passphrase opens it).
 * Throws `DomainError("AGENCY_CERTIFICATE_INVALID")` otherwise; call it at start-up to fail early.
 */
export const loadAgencyCertificate = async (options: AgencyCertificateOptions): Promise<AgencyCertificate> => {
  let p12: Uint8Array;
  let passphrase = options.passphrase ?? "";
  try {
    p12 = new Uint8Array(await readFile(options.p12Path));
    if (options.passphraseFile) passphrase = (await readFile(options.passphraseFile, "utf8")).replace(/\r?\n$/, "");
  } catch (err) {
    throw new DomainError("AGENCY_CERTIFICATE_INVALID", "outgoing.certificateInvalid", {}, { cause: err });
  }
  const certificate = { p12, passphrase };
  await checkAgencyCertificate(certificate);
  return certificate;
};

const checked = new WeakMap<AgencyCertificate, Promise<void>>();

/**
 * Signs a one-page blank PDF once per certificate object: a wrong passphrase or a PKCS#12 without a
 * key is found before anything is numbered. Throws `DomainError("AGENCY_CERTIFICATE_INVALID")`.
 */
export const checkAgencyCertificate = (certificate: AgencyCertificate): Promise<void> => {
  let check = checked.get(certificate);
  if (!check) {
    check = (async () => {
      const { PDFDocument } = await import("pdf-lib");
      const blank = await PDFDocument.create();
      blank.addPage([200, 200]);
      await signPdf(await blank.save(), { certificate, signedAt: new Date(0) });
    })();
    checked.set(certificate, check);
    check.catch(() => checked.delete(certificate)); // not cached when failed; the caller gets the error
  }
  return check;
};

/**
 * Signs `pdf` with the agency's certificate over the whole file and returns the signed bytes (the
 * input is not modified). Throws `DomainError("AGENCY_CERTIFICATE_INVALID")` when the certificate
 * cannot sign, `DomainError("PDF_CORRUPT")` when the PDF cannot be read.
 *
 * @example
 * const signed = await signPdf(sealed, { certificate, signedAt: now });
 */
export const signPdf = async (pdf: Uint8Array, options: SignPdfOptions): Promise<Uint8Array> => {
  const [{ PDFDocument }, { pdflibAddPlaceholder }, { P12Signer }, { SignPdf }] = await Promise.all([
    import("pdf-lib"),
    import("@signpdf/placeholder-pdf-lib"),
    import("@signpdf/signer-p12"),
    import("@signpdf/signpdf"),
  ]);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf.slice(), { updateMetadata: false });
  } catch (err) {
    throw new DomainError("PDF_CORRUPT", "intake.pdfCorrupt", {}, { cause: err });
  }
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: options.reason ?? "Phát hành văn bản",
    contactInfo: options.contactInfo ?? "",
    name: options.name ?? "",
    location: options.location ?? "",
    signingTime: options.signedAt,
    signatureLength: SIGNATURE_LENGTH,
    subFilter: PADES_SUBFILTER,
    widgetRect: [0, 0, 0, 0],
  });
  // signpdf finds the placeholder in the file's text: no object streams.
  const prepared = await doc.save({ useObjectStreams: false });
  try {
    const signer = new P12Signer(Buffer.from(options.certificate.p12), { passphrase: options.certificate.passphrase ?? "" });
    const signed = await new SignPdf().sign(Buffer.from(prepared), signer, options.signedAt);
    return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
  } catch (err) {
    throw new DomainError("AGENCY_CERTIFICATE_INVALID", "outgoing.certificateInvalid", {}, { cause: err });
  }
};
