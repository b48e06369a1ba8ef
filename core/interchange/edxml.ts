// The edXML package format (QCVN 102:2016) — types, builder, streaming parser — in one import.
export * from "./edxml-types.ts";
export { EdxmlError, type EdxmlErrorCode } from "./edxml-error.ts";
export { buildEdxmlPackage, buildEdxmlStatus, escapeXml, formatEdxmlDate, formatEdxmlDateTime } from "./edxml-build.ts";
export { parseEdxmlPackage, parseEdxmlStatus, parseEdxmlDate, parseEdxmlDateTime, type EdxmlInput, type ParseEdxmlPackageOptions } from "./edxml-parse.ts";
export type { AttachmentSink, AttachmentTarget, EdxmlLimits } from "./edxml-stream.ts";
export { createDirectorySink, type StoredFile } from "./directory-sink.ts";
export { edxmlRefusalMessage } from "./edxml-refusal.ts";
