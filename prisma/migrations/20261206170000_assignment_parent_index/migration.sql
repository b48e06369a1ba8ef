-- CreateIndex
CREATE INDEX "Assignment_parentId_idx" ON "Assignment"("parentId");
