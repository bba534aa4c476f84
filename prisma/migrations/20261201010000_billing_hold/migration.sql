-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "billingBlockedAt" DATETIME;
ALTER TABLE "Shop" ADD COLUMN "billingBlockedCode" TEXT;

-- CreateTable
CREATE TABLE "StripeKeyRefusal" (
    "keyFingerprint" TEXT NOT NULL PRIMARY KEY,
    "refusedAt" DATETIME NOT NULL,
    "probedAt" DATETIME NOT NULL
);

