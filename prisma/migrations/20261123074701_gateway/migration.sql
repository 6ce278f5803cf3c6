-- CreateEnum
CREATE TYPE "LimiterMode" AS ENUM ('NONE', 'PER_ORGANIZATION', 'QUEUE');

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "creditReserved" DECIMAL(24,12) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "GatewayKeySpend" (
    "gatewayKeyId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "spentUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,
    "reservedUsd" DECIMAL(24,12) NOT NULL DEFAULT 0,

    CONSTRAINT "GatewayKeySpend_pkey" PRIMARY KEY ("gatewayKeyId","period")
);

-- CreateTable
CREATE TABLE "ProviderSetting" (
    "provider" TEXT NOT NULL,
    "limiterMode" "LimiterMode" NOT NULL DEFAULT 'NONE',
    "requestsPerMinute" INTEGER,
    "queueTimeoutMs" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProviderSetting_pkey" PRIMARY KEY ("provider")
);

-- CreateTable
CREATE TABLE "CustomProvider" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "models" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CustomProvider_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CustomProvider_organizationId_slug_key" ON "CustomProvider"("organizationId", "slug");

-- AddForeignKey
ALTER TABLE "GatewayKeySpend" ADD CONSTRAINT "GatewayKeySpend_gatewayKeyId_fkey" FOREIGN KEY ("gatewayKeyId") REFERENCES "GatewayKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomProvider" ADD CONSTRAINT "CustomProvider_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
