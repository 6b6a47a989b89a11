-- AlterTable
ALTER TABLE "ConnectionEvent" ADD COLUMN     "accountSnapshot" JSONB;
