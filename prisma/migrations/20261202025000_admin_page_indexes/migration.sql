-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_createdAt_id_idx" ON "RecurringTemplate"("shopId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_status_createdAt_id_idx" ON "RecurringTemplate"("shopId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_status_nextRunAt_idx" ON "RecurringTemplate"("shopId", "status", "nextRunAt");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_status_revenue_idx" ON "RecurringTemplate"("shopId", "status", "currency", "scheduleUnit", "scheduleEvery", "periodTotal");

-- CreateIndex
CREATE INDEX "InvoiceRun_shopId_state_updatedAt_idx" ON "InvoiceRun"("shopId", "state", "updatedAt");

