-- CreateTable
CREATE TABLE "Reservation" (
    "requestId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "creditUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "gatewayKeyId" TEXT,
    "budgetPeriod" TEXT,
    "budgetUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reservation_pkey" PRIMARY KEY ("requestId")
);

-- CreateIndex
CREATE INDEX "Reservation_createdAt_idx" ON "Reservation"("createdAt");
