-- CreateEnum
CREATE TYPE "InterchangePackageState" AS ENUM ('REGISTERED', 'REFUSED', 'DUPLICATE');

-- CreateEnum
CREATE TYPE "InterchangeStatusState" AS ENUM ('PENDING', 'SENDING', 'SENT');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "FileKind" ADD VALUE 'APPENDIX';
ALTER TYPE "FileKind" ADD VALUE 'PACKAGE';

-- AlterTable
ALTER TABLE "Document" ADD COLUMN     "issuerOrganId" TEXT,
ADD COLUMN     "requestedDueDate" DATE;

-- CreateTable
CREATE TABLE "InterchangePackage" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "axisDocId" TEXT NOT NULL,
    "fromOrganId" TEXT NOT NULL,
    "fromOrganName" TEXT,
    "codeNumber" TEXT,
    "codeNotation" TEXT,
    "promulgationDate" DATE,
    "edxmlDocumentId" TEXT,
    "state" "InterchangePackageState" NOT NULL,
    "documentId" TEXT,
    "duplicateOfId" TEXT,
    "refusalKey" TEXT,
    "refusalReason" TEXT,
    "axisAnswer" TEXT,
    "axisAnsweredAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InterchangePackage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterchangeStatusMessage" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "packageId" TEXT NOT NULL,
    "statusCode" TEXT NOT NULL,
    "description" TEXT,
    "toOrganId" TEXT NOT NULL,
    "responseCode" TEXT NOT NULL,
    "responseDate" DATE NOT NULL,
    "responseDocumentId" TEXT,
    "state" "InterchangeStatusState" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "axisDocId" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InterchangeStatusMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InterchangePackage_axisDocId_key" ON "InterchangePackage"("axisDocId");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangePackage_documentId_key" ON "InterchangePackage"("documentId");

-- CreateIndex
CREATE INDEX "InterchangePackage_orgId_receivedAt_idx" ON "InterchangePackage"("orgId", "receivedAt");

-- CreateIndex
CREATE INDEX "InterchangePackage_axisAnsweredAt_idx" ON "InterchangePackage"("axisAnsweredAt");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangePackage_fromOrganId_codeNumber_codeNotation_prom_key" ON "InterchangePackage"("fromOrganId", "codeNumber", "codeNotation", "promulgationDate");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangeStatusMessage_dedupeKey_key" ON "InterchangeStatusMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "InterchangeStatusMessage_state_nextAttemptAt_idx" ON "InterchangeStatusMessage"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "InterchangeStatusMessage_packageId_seq_idx" ON "InterchangeStatusMessage"("packageId", "seq");

-- AddForeignKey
ALTER TABLE "InterchangePackage" ADD CONSTRAINT "InterchangePackage_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterchangeStatusMessage" ADD CONSTRAINT "InterchangeStatusMessage_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "InterchangePackage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
