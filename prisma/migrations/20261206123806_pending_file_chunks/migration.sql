-- CreateTable
CREATE TABLE "PendingFileChunk" (
    "fileKey" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingFileChunk_pkey" PRIMARY KEY ("fileKey","seq")
);

-- CreateIndex
CREATE INDEX "PendingFileChunk_expiresAt_idx" ON "PendingFileChunk"("expiresAt");

-- Pending files kept before this migration (base64 inside ConversationState's JSON, under
-- `<fileKey>:<seq>` for a file in pieces, or `<fileKey>` itself for a small one, which becomes piece 0)
-- move here as raw bytes with their expiry, and leave ConversationState.
INSERT INTO "PendingFileChunk" ("fileKey", "seq", "data", "expiresAt")
SELECT s.m[1], COALESCE(s.m[2]::INTEGER, 0), decode(s."value"->>'b64', 'base64'), s."expiresAt"
FROM (
    SELECT regexp_match("key", '^(.*:file:[A-Za-z0-9_-]+)(?::([0-9]+))?$') AS m, "value", "expiresAt"
    FROM "ConversationState"
    WHERE jsonb_typeof("value"->'b64') = 'string'
) s
WHERE s.m IS NOT NULL
ON CONFLICT DO NOTHING;

DELETE FROM "ConversationState"
WHERE jsonb_typeof("value"->'b64') = 'string' AND "key" ~ ':file:[A-Za-z0-9_-]+(:[0-9]+)?$';
