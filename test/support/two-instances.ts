import type { AppOptions } from '../../src/app.js';
import { startTestApp, type TestApp } from './app.js';
import { createPostgresDatabase, type TestDatabase } from './databases.js';
import { startOwnRedis, type OwnRedis } from './redis.js';

/**
 * Two instances behind one load balancer (same PUBLIC_URL) on one PostgreSQL database and a
 * Redis of the test's own, which the test may kill and restart.
 */
export interface TwoInstances {
  a: TestApp;
  b: TestApp;
  redis: OwnRedis;
  database: TestDatabase;
  stop(): Promise<void>;
}

export async function startTwoInstancesOnOwnRedis(options: AppOptions = {}): Promise<TwoInstances> {
  const database = await createPostgresDatabase();
  const redis = await startOwnRedis();
  const a = await startTestApp(database, { REDIS_URL: redis.url }, options);
  const b = await startTestApp(database, { REDIS_URL: redis.url, PUBLIC_URL: a.publicUrl }, options);
  return {
    a,
    b,
    redis,
    database,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      await redis.stop();
      await database.drop();
    },
  };
}
