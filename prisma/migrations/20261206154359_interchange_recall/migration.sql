-- AlterEnum
ALTER TYPE "InterchangePackageState" ADD VALUE 'RECALLED';

-- AlterEnum
ALTER TYPE "InterchangeSendState" ADD VALUE 'FAILED';

-- AlterEnum
ALTER TYPE "InterchangeStatusState" ADD VALUE 'FAILED';

-- DropForeignKey
ALTER TABLE "InterchangeStatusMessage" DROP CONSTRAINT "InterchangeStatusMessage_packageId_fkey";

-- AlterTable
ALTER TABLE "InterchangeOutgoing" ADD COLUMN     "failedAt" TIMESTAMP(3),
ADD COLUMN     "recallReason" TEXT,
ADD COLUMN     "recalledAt" TIMESTAMP(3),
ADD COLUMN     "recalledById" TEXT,
ADD COLUMN     "refusals" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "InterchangePackage" ADD COLUMN     "recallAnswer" TEXT,
ADD COLUMN     "recallAt" TIMESTAMP(3),
ADD COLUMN     "recallAxisDocId" TEXT,
ADD COLUMN     "recallReason" TEXT;

-- AlterTable
ALTER TABLE "InterchangeStatusMessage" ADD COLUMN     "failedAt" TIMESTAMP(3),
ADD COLUMN     "outgoingId" TEXT,
ADD COLUMN     "refusals" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "responseOrganId" TEXT,
ALTER COLUMN "packageId" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "InterchangePackage_recallAxisDocId_key" ON "InterchangePackage"("recallAxisDocId");

-- CreateIndex
CREATE INDEX "InterchangeStatusMessage_outgoingId_seq_idx" ON "InterchangeStatusMessage"("outgoingId", "seq");

-- AddForeignKey
ALTER TABLE "InterchangeStatusMessage" ADD CONSTRAINT "InterchangeStatusMessage_packageId_fkey" FOREIGN KEY ("packageId") REFERENCES "InterchangePackage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterchangeStatusMessage" ADD CONSTRAINT "InterchangeStatusMessage_outgoingId_fkey" FOREIGN KEY ("outgoingId") REFERENCES "InterchangeOutgoing"("id") ON DELETE SET NULL ON UPDATE CASCADE;
