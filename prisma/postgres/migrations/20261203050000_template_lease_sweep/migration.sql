-- CreateIndex
CREATE INDEX "RecurringTemplate_leaseExpiresAt_idx" ON "RecurringTemplate"("leaseExpiresAt");

