-- AlterTable
ALTER TABLE "ConnectLink" ADD COLUMN     "encryptedToken" TEXT,
ADD COLUMN     "tokenKeyId" TEXT;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "displayName" TEXT;
