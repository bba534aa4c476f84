-- CreateTable
CREATE TABLE "SigningLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "viewedAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "SigningLink_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "SigningLink_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Signature" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "invoiceNumber" TEXT NOT NULL,
    "merchantName" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "consentVersion" TEXT NOT NULL,
    "documentHash" TEXT NOT NULL,
    "document" TEXT,
    "signerName" TEXT,
    "signerEmail" TEXT,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "image" BLOB,
    "signedPdf" BLOB,
    "signedPdfSha256" TEXT NOT NULL,
    "viewedAt" DATETIME NOT NULL,
    "signedAt" DATETIME NOT NULL,
    "metadataSyncedAt" DATETIME,
    "redactedAt" DATETIME,
    CONSTRAINT "Signature_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Signature_runId_fkey" FOREIGN KEY ("runId") REFERENCES "InvoiceRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "SigningLink_tokenHash_key" ON "SigningLink"("tokenHash");

-- CreateIndex
CREATE INDEX "SigningLink_runId_idx" ON "SigningLink"("runId");

-- CreateIndex
CREATE INDEX "SigningLink_shopId_idx" ON "SigningLink"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "Signature_runId_key" ON "Signature"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Signature_signedPdfSha256_key" ON "Signature"("signedPdfSha256");

-- CreateIndex
CREATE INDEX "Signature_shopId_signerEmail_idx" ON "Signature"("shopId", "signerEmail");

-- CreateIndex
CREATE INDEX "Signature_documentHash_idx" ON "Signature"("documentHash");

-- CreateIndex
CREATE INDEX "Signature_metadataSyncedAt_idx" ON "Signature"("metadataSyncedAt");

