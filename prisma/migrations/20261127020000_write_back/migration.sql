-- CreateTable
CREATE TABLE "WriteBack" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "shopifyOrderId" TEXT,
    "shopifyOrderName" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "WriteBack_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "WriteBack_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "WriteBack_runId_key" ON "WriteBack"("runId");

-- CreateIndex
CREATE INDEX "WriteBack_state_leaseExpiresAt_idx" ON "WriteBack"("state", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "WriteBack_shopId_idx" ON "WriteBack"("shopId");

