import { createHash, randomInt } from "node:crypto";

/** No 0/O, 1/I/L: codes are read aloud and typed on phones. */
export const LINK_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const LINK_CODE_LENGTH = 8;

/** A random code shown as `ABCD-2345`. */
export const generateLinkCode = (): string => {
  let raw = "";
  for (let i = 0; i < LINK_CODE_LENGTH; i++) raw += LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
};

/** Upper-cases and drops spaces and dashes, so `abcd 2345` and `ABCD-2345` are the same code. */
export const normalizeLinkCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, "");

/** What is stored: never the code itself. */
export const hashLinkCode = (code: string): string =>
  createHash("sha256")
    .update(`edoc-link:${normalizeLinkCode(code)}`)
    .digest("hex");
