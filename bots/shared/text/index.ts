// The channel-neutral text grammar: what a person typed → plain structured intents. No database,
// no platform code, no rendering. Adapters call parseMessage; conversations call the grammars.

// === Messages and commands
export { parseMessage, startsWithCommand } from "./commands.ts";
export type { ParseContext, ParsedCommand, ParsedMessage } from "./commands.ts";
export { COMMAND_WORDS, commandByWord, readCommandHead, bodyAfterCommand } from "./command-words.ts";
export type { CommandHead, CommandName } from "./command-words.ts";

// === Grammars
export {
  parseRegistration,
  parseRegistrationBody,
  parseRegistrationAnswer,
  splitCodeNotation,
  splitSigner,
  signerText,
  REGISTRATION_GRAMMAR,
  REGISTRATION_KEYWORDS,
  REGISTRATION_MAX_LENGTH,
  REQUIRED_REGISTRATION_FIELDS,
} from "./register-grammar.ts";
export type { ParsedRegistration, RegistrationField, RegistrationFields, RegistrationOptions } from "./register-grammar.ts";
export { parseDirective, parseDirectiveBody, DIRECTIVE_KEYWORDS } from "./directive-grammar.ts";
export type { DirectiveOptions, ParsedDirective } from "./directive-grammar.ts";
export { parseIssue, parseIssueBody, parseIssueAnswer, parseRecipients, parseSigner, ISSUE_GRAMMAR, ISSUE_KEYWORDS } from "./issue-grammar.ts";
export type { IssueField, IssueFields, IssueOptions, ParsedIssue } from "./issue-grammar.ts";

// === Values
export { parseSecrecy, parseUrgency, parseYesNo, readKeywordLine, splitCodes, stripAnnotation, CODE_PATTERN } from "./values.ts";
export type { GrammarError, GrammarErrorKey, KeywordLine, Secrecy, Urgency } from "./values.ts";
export { DOC_TYPES, OFFICIAL_LETTER, docTypeAbbreviation, docTypeByAbbreviation, normalizeDocType } from "./doc-types.ts";
export type { DocTypeEntry } from "./doc-types.ts";
export { formatRef, parseRef, readRef, refsEqual } from "./refs.ts";
export type { DocRef, RefContext } from "./refs.ts";
export { addDays, formatDate, isValidDate, parseDate, parseDateOrDuration, parseDuration, readDate, readDateOrDuration, readDuration } from "./dates.ts";
export type { DateContext, DateOrDuration, LocalDate, WorkingDays } from "./dates.ts";
export { LINK_CODE_ALPHABET, LINK_CODE_LENGTH, formatLinkCode, normalizeLinkCode, readBareLinkCode } from "./link-code.ts";
export { foldVietnamese, foldWithIndex } from "./fold.ts";
export { readPackageRef } from "./package-ref.ts";
