-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "webSearches" INTEGER NOT NULL DEFAULT 0;
