-- The writes of the flows' busiest steps, each in one round trip (one statement) instead of a
-- transaction of several: recording events, starting a new account's flow, completing a
-- link. The callers are src/domain/events/outbox.ts, src/domain/connections/start-new-account.ts
-- and src/domain/connections/link-outcomes.ts; they make the rows (ids included) and pass them
-- as JSON objects whose keys are column names.

-- Inserts the rows `p_rows` (a JSON array of objects with the same keys) into `p_table`: only
-- the columns they name, so a column they leave out (one added by a later migration, while
-- older instances still run) gets its default.
CREATE FUNCTION "connect_insert"(p_table TEXT, p_rows JSONB) RETURNS VOID
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  columns TEXT;
  "values" TEXT;
BEGIN
  SELECT string_agg(format('%I', key), ', ' ORDER BY key), string_agg(format('r.%I', key), ', ' ORDER BY key)
  INTO columns, "values" FROM jsonb_object_keys(p_rows -> 0) AS key;
  EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM jsonb_populate_recordset(NULL::%I, $1) AS r', p_table, columns, "values", p_table)
  USING p_rows;
END
$$;

-- Events (a JSON array of rows) and the webhook deliveries they owe: one for every enabled
-- endpoint of the event's project that wants its type, so a committed event always has them.
CREATE FUNCTION "connect_record_events"(p_events JSONB) RETURNS VOID
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM "connect_insert"('ConnectionEvent', p_events);
  INSERT INTO "WebhookDelivery" (id, "endpointId", "eventId", "eventType", "nextAttemptAt", "createdAt")
  SELECT gen_random_uuid()::text, e.id, ev.id, ev.type, ev."occurredAt", ev."occurredAt"
  FROM jsonb_populate_recordset(NULL::"ConnectionEvent", p_events) AS ev
  JOIN "WebhookEndpoint" e ON e."projectId" = ev."projectId"
  WHERE e.enabled AND (coalesce(cardinality(e."eventTypes"), 0) = 0 OR ev.type = ANY(e."eventTypes"));
END
$$;

-- A new account's flow: under the advisory lock of the connection, when the user has no
-- account at the toolkit and alias yet, inserts the account, its Connect Link and the
-- connection.initiated event. Returns false, and writes nothing, when an account exists: the
-- caller then takes its general path. Each statement of a VOLATILE function takes a snapshot
-- of its own, so the check sees every account committed before the lock was granted.
CREATE FUNCTION "connect_start_new_account"(p_lock BIGINT, p_rows JSONB) RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  account "ConnectedAccount" := jsonb_populate_record(NULL::"ConnectedAccount", p_rows -> 'account');
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
  PERFORM "connect_insert"('ConnectedAccount', jsonb_build_array(p_rows -> 'account'));
  PERFORM "connect_insert"('ConnectLink', jsonb_build_array(p_rows -> 'link'));
  PERFORM "connect_record_events"(jsonb_build_array(p_rows -> 'event'));
  RETURN TRUE;
END
$$;

-- A completed flow: claims the link (once: it must still be pending, unexpired at p_now and
-- the account's whose credentials p_account carries), writes the columns of p_account on that
-- account with its version counted up, and records the event. Returns false, and writes
-- nothing, when the link was used, has expired or belongs to another account.
CREATE FUNCTION "connect_complete_link"(p_link TEXT, p_account_id TEXT, p_now TIMESTAMP(3), p_account JSONB, p_event JSONB) RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  columns TEXT;
  "values" TEXT;
BEGIN
  UPDATE "ConnectLink" SET status = 'COMPLETED', "consumedAt" = p_now
  WHERE id = p_link AND "connectedAccountId" = p_account_id
    AND status = 'PENDING' AND "consumedAt" IS NULL AND "expiresAt" > p_now;
  IF NOT FOUND THEN
    RETURN FALSE;
  END IF;
  SELECT string_agg(format('%I', key), ', ' ORDER BY key), string_agg(format('c.%I', key), ', ' ORDER BY key)
  INTO columns, "values" FROM jsonb_object_keys(p_account) AS key;
  EXECUTE format(
    'UPDATE "ConnectedAccount" a SET (%s) = (SELECT %s FROM jsonb_populate_record(NULL::"ConnectedAccount", $1) AS c), version = a.version + 1 WHERE a.id = $2',
    columns, "values"
  ) USING p_account, p_account_id;
  PERFORM "connect_record_events"(jsonb_build_array(p_event));
  RETURN TRUE;
END
$$;
