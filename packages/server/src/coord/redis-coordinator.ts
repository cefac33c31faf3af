import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Coordinator } from './coordinator.js';

/** Redis coordination (presence, rate counters, Socket.IO Redis adapter). */
export async function createRedisCoordination(
  _config: Config,
  _log: Logger,
): Promise<{ coord: Coordinator; adapter?: unknown }> {
  throw new Error('REDIS_URL is not supported yet');
}
