/*
  Warnings:

  - Made the column `connectedAccountId` on table `ConnectionEvent` required. This step will fail if there are existing NULL values in that column.

*/
-- DropForeignKey
ALTER TABLE "ConnectionEvent" DROP CONSTRAINT "ConnectionEvent_connectedAccountId_fkey";

-- AlterTable
ALTER TABLE "ConnectionEvent" ALTER COLUMN "connectedAccountId" SET NOT NULL;
