import { afterAll, beforeAll } from 'vitest';
import { expectNoCrashLogs } from './adversary.js';
import { login } from './clients.js';
import {
  type Cluster,
  createTestDatabase,
  deletePrefix,
  REDIS_URL,
  startCluster,
  startOwnRedis,
  testPrefix,
} from './cluster.js';
import { type RunningServer, removeDir, startServer } from './server.js';

/**
 * Suite fixtures registered with beforeAll/afterAll. Read the returned objects' fields inside tests (they
 * are filled in by beforeAll).
 */

/** One server process for the suite (embedded store unless `env` says otherwise), with an admin token. */
export function useServer(env: Record<string, string> = {}) {
  const fixture = { url: '', admin: '', server: undefined as RunningServer | undefined };
  beforeAll(async () => {
    fixture.server = await startServer({ env });
    fixture.url = fixture.server.url;
    fixture.admin = await login(fixture.url);
  });
  afterAll(async () => {
    const { server } = fixture;
    if (!server) return;
    expectNoCrashLogs(server);
    await server.stop();
    removeDir(server.dataDir);
  });
  return fixture;
}

/**
 * `n` processes sharing a fresh PostgreSQL database and Redis (under a key prefix removed afterwards).
 * `ownRedis`: a throwaway redis-server of the suite's own instead (`fixture.redis`), which a test may stop
 * and start again.
 */
export function useCluster(n: number, opts: { env?: Record<string, string>; assert: () => void; ownRedis?: boolean }) {
  const fixture = {
    urls: [] as string[],
    cluster: undefined as Cluster | undefined,
    redis: undefined as Awaited<ReturnType<typeof startOwnRedis>> | undefined,
  };
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const prefix = testPrefix();
  beforeAll(async () => {
    opts.assert();
    if (opts.ownRedis) fixture.redis = await startOwnRedis();
    db = await createTestDatabase();
    fixture.cluster = await startCluster({
      n,
      databaseUrl: db.url,
      redisUrl: fixture.redis?.url ?? REDIS_URL,
      prefix,
      ...(opts.env ? { env: opts.env } : {}),
    });
    fixture.urls = fixture.cluster.nodes.map((node) => node.url);
  });
  afterAll(async () => {
    await fixture.cluster?.stop();
    await db?.drop();
    if (fixture.redis) await fixture.redis.stop();
    else await deletePrefix(REDIS_URL, prefix).catch(() => {});
  });
  return fixture;
}
