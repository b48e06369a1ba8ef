-- The same-number duplicate check of a registration (core/documents/register-direct.ts) compares the
-- issuer case-insensitively, lower("issuer") = lower($2). The index on ("orgId", "issuer", …) could not
-- serve a case-insensitive comparison, so every registration read all of its organisation's documents;
-- this one replaces it (nothing else looks documents up by their issuer as written).
-- DropIndex
DROP INDEX "Document_orgId_issuer_codeNumber_issuedDate_idx";

-- CreateIndex
CREATE INDEX "Document_orgId_lower_issuer_codeNumber_issuedDate_idx" ON "Document"("orgId", lower("issuer"), "codeNumber", "issuedDate");
