-- CreateTable
CREATE TABLE "StripeRequestSlot" (
    "account" TEXT NOT NULL PRIMARY KEY,
    "nextSlotAt" REAL NOT NULL
);

