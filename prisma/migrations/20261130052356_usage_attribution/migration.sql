-- AlterTable
ALTER TABLE "GatewayKey" ADD COLUMN     "defaultTags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "endUser" TEXT,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- The rollups gain the attribution dimensions: rebuild them from the usage records (the rollup job
-- rolls everything below the reset watermark up again on its next run).
TRUNCATE "UsageRollupHourly", "UsageRollupDaily";
UPDATE "UsageRollupState" SET "horizon" = 0;

-- AlterTable
ALTER TABLE "UsageRollupDaily" DROP CONSTRAINT "UsageRollupDaily_pkey",
ADD COLUMN     "endUser" TEXT NOT NULL,
ADD COLUMN     "endpoint" TEXT NOT NULL,
ADD COLUMN     "tags" TEXT NOT NULL,
ADD CONSTRAINT "UsageRollupDaily_pkey" PRIMARY KEY ("bucket", "organizationId", "projectId", "gatewayKeyId", "keyRef", "provider", "model", "keySource", "status", "failureClass", "endpoint", "endUser", "tags");

-- AlterTable
ALTER TABLE "UsageRollupHourly" DROP CONSTRAINT "UsageRollupHourly_pkey",
ADD COLUMN     "endUser" TEXT NOT NULL,
ADD COLUMN     "endpoint" TEXT NOT NULL,
ADD COLUMN     "tags" TEXT NOT NULL,
ADD CONSTRAINT "UsageRollupHourly_pkey" PRIMARY KEY ("bucket", "organizationId", "projectId", "gatewayKeyId", "keyRef", "provider", "model", "keySource", "status", "failureClass", "endpoint", "endUser", "tags");
