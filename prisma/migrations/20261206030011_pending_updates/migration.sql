-- CreateTable
CREATE TABLE "PendingUpdate" (
    "channel" "Channel" NOT NULL,
    "updateKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingUpdate_pkey" PRIMARY KEY ("channel","updateKey")
);

-- CreateIndex
CREATE INDEX "PendingUpdate_receivedAt_idx" ON "PendingUpdate"("receivedAt");
