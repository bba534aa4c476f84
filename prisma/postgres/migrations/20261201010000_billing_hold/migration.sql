-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "billingBlockedAt" TIMESTAMP(3),
ADD COLUMN     "billingBlockedCode" TEXT;

-- CreateTable
CREATE TABLE "StripeKeyRefusal" (
    "keyFingerprint" TEXT NOT NULL,
    "refusedAt" TIMESTAMP(3) NOT NULL,
    "probedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StripeKeyRefusal_pkey" PRIMARY KEY ("keyFingerprint")
);

