-- AlterTable
ALTER TABLE "RecurringTemplate" ADD COLUMN "einvoice" TEXT;

-- CreateTable
CREATE TABLE "EInvoiceDocument" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "issueDate" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "pdf" BLOB NOT NULL,
    "xml" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EInvoiceDocument_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "EInvoiceDocument_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "EInvoiceDocument_shopId_issueDate_idx" ON "EInvoiceDocument"("shopId", "issueDate");

-- CreateIndex
CREATE UNIQUE INDEX "EInvoiceDocument_runId_kind_key" ON "EInvoiceDocument"("runId", "kind");

