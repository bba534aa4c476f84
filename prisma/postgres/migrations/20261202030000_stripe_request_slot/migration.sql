-- CreateTable
CREATE TABLE "StripeRequestSlot" (
    "account" TEXT NOT NULL,
    "nextSlotAt" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "StripeRequestSlot_pkey" PRIMARY KEY ("account")
);

