-- The write of a flow that connects a new account, in one round trip (see
-- src/domain/connections/start-connection.ts): under the advisory lock of the connection, when
-- the user has no account at the toolkit and alias yet, inserts the account, its Connect Link,
-- the connection.initiated event and the webhook deliveries the event owes. Returns false, and
-- writes nothing, when an account exists: the caller then takes its general path.
--
-- The rows come whole, as JSON of the table's row type, and are inserted as such. Each
-- statement of a VOLATILE function takes a snapshot of its own, so the check below sees every
-- account committed before the lock was granted.
CREATE FUNCTION "connect_start_new_account"(p_lock BIGINT, p_rows JSONB) RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  account "ConnectedAccount" := jsonb_populate_record(NULL::"ConnectedAccount", p_rows -> 'account');
  event "ConnectionEvent" := jsonb_populate_record(NULL::"ConnectionEvent", p_rows -> 'event');
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock);
  IF EXISTS (
    SELECT 1 FROM "ConnectedAccount" a
    WHERE a."projectId" = account."projectId" AND a."userId" = account."userId"
      AND a."toolkitId" = account."toolkitId" AND a.alias IS NOT DISTINCT FROM account.alias
      AND a.status <> 'REVOKED'
  ) THEN
    RETURN FALSE;
  END IF;
  INSERT INTO "ConnectedAccount" SELECT (account).*;
  INSERT INTO "ConnectLink" SELECT * FROM jsonb_populate_record(NULL::"ConnectLink", p_rows -> 'link');
  INSERT INTO "ConnectionEvent" SELECT (event).*;
  INSERT INTO "WebhookDelivery" (id, "endpointId", "eventId", "eventType", "nextAttemptAt", "createdAt")
  SELECT gen_random_uuid()::text, e.id, event.id, event.type, event."occurredAt", event."occurredAt"
  FROM "WebhookEndpoint" e
  WHERE e."projectId" = event."projectId" AND e.enabled
    AND (coalesce(cardinality(e."eventTypes"), 0) = 0 OR event.type = ANY(e."eventTypes"));
  RETURN TRUE;
END
$$;
