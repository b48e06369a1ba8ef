-- CreateEnum
CREATE TYPE "InterchangeRegisterMode" AS ENUM ('CARD', 'DIRECT');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "InterchangePackageState" ADD VALUE 'PENDING';
ALTER TYPE "InterchangePackageState" ADD VALUE 'RETURNED';

-- AlterTable
ALTER TABLE "InterchangePackage" ADD COLUMN     "decidedAt" TIMESTAMP(3),
ADD COLUMN     "decidedById" TEXT,
ADD COLUMN     "envelope" JSONB,
ADD COLUMN     "files" JSONB,
ADD COLUMN     "number" SERIAL NOT NULL,
ADD COLUMN     "returnReason" TEXT;

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "interchangeRegister" "InterchangeRegisterMode" NOT NULL DEFAULT 'CARD';

-- CreateIndex
CREATE UNIQUE INDEX "InterchangePackage_number_key" ON "InterchangePackage"("number");
