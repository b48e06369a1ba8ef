-- CreateEnum
CREATE TYPE "InterchangeAgencySource" AS ENUM ('AXIS', 'ORG_FILE');

-- CreateEnum
CREATE TYPE "InterchangeSendState" AS ENUM ('PENDING', 'SENDING', 'SENT');

-- CreateTable
CREATE TABLE "InterchangeAgency" (
    "organId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "parentOrganId" TEXT,
    "mail" TEXT,
    "source" "InterchangeAgencySource" NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "refreshedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InterchangeAgency_pkey" PRIMARY KEY ("organId")
);

-- CreateTable
CREATE TABLE "InterchangeOutgoing" (
    "id" TEXT NOT NULL,
    "documentId" TEXT NOT NULL,
    "edxmlDocumentId" TEXT NOT NULL,
    "packageSha256" TEXT,
    "state" "InterchangeSendState" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "axisDocId" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InterchangeOutgoing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterchangeOutgoingRecipient" (
    "id" TEXT NOT NULL,
    "outgoingId" TEXT NOT NULL,
    "documentRecipientId" TEXT NOT NULL,
    "organId" TEXT NOT NULL,
    "organName" TEXT NOT NULL,
    "statusCode" TEXT,
    "statusDescription" TEXT,
    "statusAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InterchangeOutgoingRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InterchangeOutgoingStatus" (
    "id" TEXT NOT NULL,
    "axisDocId" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "statusCode" TEXT NOT NULL,
    "description" TEXT,
    "timestamp" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InterchangeOutgoingStatus_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InterchangeAgency_nameKey_idx" ON "InterchangeAgency"("nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangeOutgoing_documentId_key" ON "InterchangeOutgoing"("documentId");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangeOutgoing_edxmlDocumentId_key" ON "InterchangeOutgoing"("edxmlDocumentId");

-- CreateIndex
CREATE INDEX "InterchangeOutgoing_state_nextAttemptAt_idx" ON "InterchangeOutgoing"("state", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangeOutgoingRecipient_documentRecipientId_key" ON "InterchangeOutgoingRecipient"("documentRecipientId");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangeOutgoingRecipient_outgoingId_organId_key" ON "InterchangeOutgoingRecipient"("outgoingId", "organId");

-- CreateIndex
CREATE UNIQUE INDEX "InterchangeOutgoingStatus_axisDocId_key" ON "InterchangeOutgoingStatus"("axisDocId");

-- CreateIndex
CREATE INDEX "InterchangeOutgoingStatus_recipientId_receivedAt_idx" ON "InterchangeOutgoingStatus"("recipientId", "receivedAt");

-- AddForeignKey
ALTER TABLE "InterchangeOutgoing" ADD CONSTRAINT "InterchangeOutgoing_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterchangeOutgoingRecipient" ADD CONSTRAINT "InterchangeOutgoingRecipient_outgoingId_fkey" FOREIGN KEY ("outgoingId") REFERENCES "InterchangeOutgoing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterchangeOutgoingStatus" ADD CONSTRAINT "InterchangeOutgoingStatus_recipientId_fkey" FOREIGN KEY ("recipientId") REFERENCES "InterchangeOutgoingRecipient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
