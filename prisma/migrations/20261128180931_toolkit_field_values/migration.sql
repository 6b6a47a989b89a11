-- AlterTable
ALTER TABLE "AuthConfig" ADD COLUMN     "fieldValues" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "ConnectLink" ADD COLUMN     "fieldValues" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "ConnectedAccount" ADD COLUMN     "fieldValues" JSONB NOT NULL DEFAULT '{}';
