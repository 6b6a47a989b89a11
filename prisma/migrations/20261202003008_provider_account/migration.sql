-- AlterTable
ALTER TABLE "ConnectedAccount" ADD COLUMN     "encryptedProviderAccount" TEXT,
ADD COLUMN     "providerAccountKeyId" TEXT;
