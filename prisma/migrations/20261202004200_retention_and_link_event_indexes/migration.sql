-- CreateIndex
CREATE INDEX "ConnectionEvent_connectLinkId_occurredAt_idx" ON "ConnectionEvent"("connectLinkId", "occurredAt");

-- CreateIndex
CREATE INDEX "ConnectionEvent_occurredAt_idx" ON "ConnectionEvent"("occurredAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_createdAt_idx" ON "WebhookDelivery"("createdAt");
