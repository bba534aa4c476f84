-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "billingAccountId" TEXT;
ALTER TABLE "Shop" ADD COLUMN "billingDisconnectedAt" DATETIME;

-- CreateTable
CREATE TABLE "RecurringTemplate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "sourceOrderId" TEXT,
    "shopifyCustomerId" TEXT,
    "customerEmail" TEXT,
    "customer" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "lines" TEXT NOT NULL,
    "shipping" TEXT,
    "taxesIncluded" BOOLEAN NOT NULL,
    "memo" TEXT,
    "periodTotal" INTEGER NOT NULL,
    "scheduleEvery" INTEGER NOT NULL,
    "scheduleUnit" TEXT NOT NULL,
    "scheduleAnchor" TEXT NOT NULL,
    "scheduleTimeOfDay" TEXT NOT NULL,
    "scheduleTimeZone" TEXT NOT NULL,
    "scheduleEndAfterCount" INTEGER,
    "scheduleEndUntil" TEXT,
    "periodOffset" INTEGER NOT NULL DEFAULT 0,
    "nextPeriodIndex" INTEGER NOT NULL DEFAULT 0,
    "nextRunAt" DATETIME,
    "activeSince" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "statusReason" TEXT,
    "issuedCount" INTEGER NOT NULL DEFAULT 0,
    "catchUpPolicy" TEXT,
    "daysUntilDue" INTEGER NOT NULL,
    "signatureRequested" BOOLEAN NOT NULL,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "RecurringTemplate_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InvoiceRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "periodIndex" INTEGER NOT NULL,
    "periodDate" TEXT NOT NULL,
    "scheduledAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL,
    "step" TEXT,
    "skipReason" TEXT,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastErrorCode" TEXT,
    "lastErrorMessage" TEXT,
    "customerId" TEXT,
    "invoiceId" TEXT,
    "invoiceNumber" TEXT,
    "hostedInvoiceUrl" TEXT,
    "invoicePdfUrl" TEXT,
    "currency" TEXT NOT NULL,
    "expectedTotal" INTEGER NOT NULL,
    "invoicedTotal" INTEGER,
    "snapshot" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "InvoiceRun_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "InvoiceRun_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "RecurringTemplate" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "runId" TEXT,
    "type" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "actor" TEXT NOT NULL,
    "cause" TEXT,
    "detail" TEXT,
    "at" DATETIME NOT NULL,
    CONSTRAINT "RunEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RunEvent_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "RecurringTemplate" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RunEvent_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "RecurringTemplate_status_nextRunAt_idx" ON "RecurringTemplate"("status", "nextRunAt");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_status_idx" ON "RecurringTemplate"("shopId", "status");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_shopifyCustomerId_idx" ON "RecurringTemplate"("shopId", "shopifyCustomerId");

-- CreateIndex
CREATE INDEX "RecurringTemplate_shopId_customerEmail_idx" ON "RecurringTemplate"("shopId", "customerEmail");

-- CreateIndex
CREATE INDEX "InvoiceRun_state_nextAttemptAt_idx" ON "InvoiceRun"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "InvoiceRun_shopId_idx" ON "InvoiceRun"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceRun_templateId_periodIndex_key" ON "InvoiceRun"("templateId", "periodIndex");

-- CreateIndex
CREATE INDEX "RunEvent_templateId_at_idx" ON "RunEvent"("templateId", "at");

-- CreateIndex
CREATE INDEX "RunEvent_runId_idx" ON "RunEvent"("runId");

-- CreateIndex
CREATE INDEX "RunEvent_shopId_idx" ON "RunEvent"("shopId");

