-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_InvoiceRun" (
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
    "keyGeneration" INTEGER NOT NULL DEFAULT 0,
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
INSERT INTO "new_InvoiceRun" ("attempt", "createdAt", "currency", "customerId", "expectedTotal", "hostedInvoiceUrl", "id", "invoiceId", "invoiceNumber", "invoicePdfUrl", "invoicedTotal", "lastErrorCode", "lastErrorMessage", "leaseExpiresAt", "leaseOwner", "nextAttemptAt", "periodDate", "periodIndex", "scheduledAt", "shopId", "skipReason", "snapshot", "state", "step", "templateId", "updatedAt") SELECT "attempt", "createdAt", "currency", "customerId", "expectedTotal", "hostedInvoiceUrl", "id", "invoiceId", "invoiceNumber", "invoicePdfUrl", "invoicedTotal", "lastErrorCode", "lastErrorMessage", "leaseExpiresAt", "leaseOwner", "nextAttemptAt", "periodDate", "periodIndex", "scheduledAt", "shopId", "skipReason", "snapshot", "state", "step", "templateId", "updatedAt" FROM "InvoiceRun";
DROP TABLE "InvoiceRun";
ALTER TABLE "new_InvoiceRun" RENAME TO "InvoiceRun";
CREATE INDEX "InvoiceRun_state_nextAttemptAt_idx" ON "InvoiceRun"("state", "nextAttemptAt");
CREATE INDEX "InvoiceRun_shopId_idx" ON "InvoiceRun"("shopId");
CREATE UNIQUE INDEX "InvoiceRun_templateId_periodIndex_key" ON "InvoiceRun"("templateId", "periodIndex");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

