import type { CommandParser } from 'redis';
import { defineScript } from 'redis';

/**
 * Lua scripts for agent presence and rate counters, each one atomic on the Redis server. They are
 * registered on the coordination client (`scripts`), which runs them by SHA and loads one again after a
 * Redis restart (NOSCRIPT).
 *
 * Keys (P = the configured prefix):
 *   P agents              SET   every agent id ever seen (no TTL)
 *   P agent:<id>          HASH  status, since, lastSeenAt (no TTL: survives crashes, so the grace period
 *                               can be computed from lastSeenAt)
 *   P agent:<id>:procs    SET   ids of processes that reported connections of this agent (pruned lazily)
 *   P proc:<pid>          HASH  agentId -> number of live connections on that process; TTL = 3 heartbeats,
 *                               so the connections of a crashed process vanish by themselves
 *
 * Common ARGV: [1] prefix, [2] now (ms, as a string). Keys are derived inside the scripts, so this layout
 * targets a single Redis (or one primary with replicas), not Redis Cluster.
 */
const prelude = `
local P = ARGV[1]
local now = ARGV[2]
local function agentKey(id) return P .. 'agent:' .. id end
local function connected(id)
  local procsKey = agentKey(id) .. ':procs'
  local live = false
  for _, pid in ipairs(redis.call('SMEMBERS', procsKey)) do
    local n = tonumber(redis.call('HGET', P .. 'proc:' .. pid, id) or '0')
    if n and n > 0 then live = true else redis.call('SREM', procsKey, pid) end
  end
  return live
end
local function ensure(id, status)
  local key = agentKey(id)
  redis.call('HSETNX', key, 'status', status or 'online')
  redis.call('HSETNX', key, 'since', now)
  redis.call('HSETNX', key, 'lastSeenAt', now)
  redis.call('SADD', P .. 'agents', id)
end
local function view(id)
  local h = redis.call('HMGET', agentKey(id), 'status', 'since', 'lastSeenAt')
  local c = connected(id)
  return { id, h[1] or 'online', c and '1' or '0', c and now or (h[3] or now), h[2] or now }
end
`;

/** ARGV[3] agent id → presence (creates the record of an unknown agent, last seen now). */
const PRESENCE = `${prelude}
ensure(ARGV[3])
return view(ARGV[3])`;

/** → presence of every known agent, flattened five fields at a time. */
const ALL_PRESENCE = `${prelude}
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
  for _, v in ipairs(view(id)) do table.insert(out, v) end
end
return out`;

/**
 * ARGV[3] agent id, [4] process id, [5] this process's connection count for the agent, [6] TTL ms,
 * [7] status to assume if the record is missing. Records the count; `since` restarts when the agent goes
 * from no connection anywhere to one; lastSeenAt = now.
 */
const SET_CONNECTIONS = `${prelude}
local id, pid, n, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
ensure(id, ARGV[7])
local was = connected(id)
local procKey = P .. 'proc:' .. pid
if n > 0 then
  redis.call('HSET', procKey, id, n)
  redis.call('SADD', agentKey(id) .. ':procs', pid)
else
  redis.call('HDEL', procKey, id)
end
redis.call('PEXPIRE', procKey, ttl)
if n > 0 and not was then redis.call('HSET', agentKey(id), 'since', now) end
redis.call('HSET', agentKey(id), 'lastSeenAt', now)
return view(id)`;

/** ARGV[3] agent id, [4] status. `since` restarts when the status changes. */
const SET_STATUS = `${prelude}
local id, status = ARGV[3], ARGV[4]
ensure(id, status)
if redis.call('HGET', agentKey(id), 'status') ~= status then
  redis.call('HSET', agentKey(id), 'status', status, 'since', now)
end
return view(id)`;

/**
 * Heartbeat and self-repair. ARGV[3] process id, [4] TTL ms, then triples (agent id, connection count,
 * last known status). Rewrites this process's connection hash from local truth, refreshes its TTL, marks
 * its agents seen now, and recreates whatever a FLUSHALL or a restart of Redis lost.
 */
const HEARTBEAT = `${prelude}
local pid, ttl = ARGV[3], ARGV[4]
local procKey = P .. 'proc:' .. pid
redis.call('DEL', procKey)
for i = 5, #ARGV, 3 do
  local id, n, status = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  ensure(id, status)
  redis.call('HSET', procKey, id, n)
  redis.call('SADD', agentKey(id) .. ':procs', pid)
  redis.call('HSET', agentKey(id), 'lastSeenAt', now)
end
if #ARGV >= 5 then redis.call('PEXPIRE', procKey, ttl) end
return #ARGV`;

/** KEYS[1] counter, ARGV[1] window ms → the new count; the window starts at the first hit. */
const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Arguments as the scripts read them: ARGV only (keys are derived inside, see above). */
const argvOnly = (script: string) =>
  defineScript({
    SCRIPT: script,
    NUMBER_OF_KEYS: 0,
    parseCommand(parser: CommandParser, argv: string[]) {
      parser.push(...argv);
    },
    transformReply: (reply: unknown) => reply,
  });

/** The coordination client's scripts: `client.presence(argv)`, `client.increment(key, windowMs)`, … */
export const COORDINATION_SCRIPTS = {
  presence: argvOnly(PRESENCE),
  allPresence: argvOnly(ALL_PRESENCE),
  setConnections: argvOnly(SET_CONNECTIONS),
  setStatus: argvOnly(SET_STATUS),
  heartbeat: argvOnly(HEARTBEAT),
  increment: defineScript({
    SCRIPT: INCREMENT,
    NUMBER_OF_KEYS: 1,
    parseCommand(parser: CommandParser, key: string, windowMs: number) {
      parser.pushKey(key);
      parser.push(String(windowMs));
    },
    transformReply: (reply: unknown) => Number(reply),
  }),
};
