import { describe, expect, it } from 'vitest';
import { api, createAgent } from './helpers/clients.js';
import { services } from './helpers/cluster.js';
import { useCluster, useServer } from './helpers/fixtures.js';
import { ADMIN } from './helpers/server.js';

/**
 * Login throttling under parallel guesses: the failure is counted (a slot reserved) before the password
 * is checked, so 30 guesses at once are no better than 30 in a row; on one process and on two sharing
 * Redis. The hard lock is per (email, address): another address still logs the admin in.
 */
const MAX = 5;
const THROTTLE = { PARLEY_LOGIN_MAX_FAILURES: String(MAX), PARLEY_LOGIN_WINDOW_MS: String(10 * 60_000) };

const attempt = (base: string, email: string, password: string, ip: string) =>
  api(base, '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

/** Fires `n` wrong guesses at once, spread over `bases`; the answers' statuses and codes, tallied. */
async function burst(bases: string[], email: string, ip: string, n: number) {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) => attempt(bases[i % bases.length]!, email, 'wrong-password', ip)),
  );
  const tally: Record<string, number> = {};
  for (const { status, body } of answers) {
    const key = `${status} ${body?.error?.code}`;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

/** At most MAX guesses were evaluated (401); every other one was refused unevaluated (429). */
function expectAtMostMaxEvaluated(tally: Record<string, number>, n: number) {
  const evaluated = tally['401 invalid_credentials'] ?? 0;
  const refused = tally['429 too_many_attempts'] ?? 0;
  expect(evaluated, JSON.stringify(tally)).toBeLessThanOrEqual(MAX);
  expect(evaluated + refused, JSON.stringify(tally)).toBe(n);
}

describe('one process', () => {
  const server = useServer(THROTTLE);

  it('30 parallel wrong logins: at most 5 are evaluated, then even the right password waits', async () => {
    const ip = '198.51.100.10';
    expectAtMostMaxEvaluated(await burst([server.url], ADMIN.email, ip, 30), 30);
    const right = await attempt(server.url, ADMIN.email, ADMIN.password, ip);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('too_many_attempts');
    // The lock costs the attacker their own address only: the admin logs in from another one.
    expect((await attempt(server.url, ADMIN.email, ADMIN.password, '198.51.100.11')).status).toBe(200);
  });

  it('a success gives back only its own slot: the failures before it still count', async () => {
    const agent = await createAgent(server.url, server.admin);
    const ip = '198.51.100.20';
    for (let i = 0; i < MAX - 1; i++)
      expect((await attempt(server.url, agent.email, 'wrong-password', ip)).status).toBe(401);
    // Someone behind the same address logs in (before, this reset the counter for everyone).
    expect((await attempt(server.url, agent.email, agent.password, ip)).status).toBe(200);
    expect((await attempt(server.url, agent.email, 'wrong-password', ip)).status).toBe(401);
    const after = await attempt(server.url, agent.email, 'wrong-password', ip);
    expect(after.status).toBe(429);
    // Successful logins alone never lock anyone out.
    const other = await createAgent(server.url, server.admin);
    for (let i = 0; i < MAX * 3; i++)
      expect((await attempt(server.url, other.email, other.password, '198.51.100.21')).status).toBe(200);
  });

  it('a wrong current password on POST /api/me/password counts as a failed login', async () => {
    const agent = await createAgent(server.url, server.admin);
    const ip = '198.51.100.30';
    const change = (currentPassword: string) =>
      api(server.url, '/api/me/password', {
        token: agent.token,
        body: { currentPassword, newPassword: 'a-new-password-1' },
        headers: { 'x-forwarded-for': ip },
      });
    for (let i = 0; i < MAX; i++) expect((await change('wrong-password')).body.error.code).toBe('invalid_credentials');
    expect((await change(agent.password)).status).toBe(429);
    expect((await attempt(server.url, agent.email, agent.password, ip)).status).toBe(429);
  });
});

describe('the account-wide cap (many addresses, one account)', () => {
  // MAX=1: the pair locks after 1 failure, an address after 4, the account after 20 across addresses.
  const server = useServer({ ...THROTTLE, PARLEY_LOGIN_MAX_FAILURES: '1' });

  it('20 failures from 20 addresses lock the account everywhere; fewer do not', async () => {
    for (let i = 0; i < 19; i++)
      expect((await attempt(server.url, ADMIN.email, 'wrong-password', `203.0.113.${i}`)).status).toBe(401);
    // Hammering a locked pair does not wear the account's budget down.
    for (let i = 0; i < 10; i++)
      expect((await attempt(server.url, ADMIN.email, 'wrong-password', '203.0.113.0')).status).toBe(429);
    expect((await attempt(server.url, ADMIN.email, ADMIN.password, '203.0.113.100')).status).toBe(200);
    expect((await attempt(server.url, ADMIN.email, 'wrong-password', '203.0.113.19')).status).toBe(401);
    expect((await attempt(server.url, ADMIN.email, ADMIN.password, '203.0.113.101')).status).toBe(429);
  });
});

const env = await services({ redis: true, postgres: true });

describe.skipIf(!env.run)('two processes sharing Redis', { timeout: 90_000 }, () => {
  const shared = useCluster(2, { env: THROTTLE, assert: env.assert });

  it('30 parallel wrong logins over both processes: at most 5 are evaluated in all', async () => {
    const { urls } = shared;
    const ip = '198.51.100.40';
    expectAtMostMaxEvaluated(await burst(urls, ADMIN.email, ip, 30), 30);
    for (const url of urls) expect((await attempt(url, ADMIN.email, ADMIN.password, ip)).status).toBe(429);
    expect((await attempt(urls[1]!, ADMIN.email, ADMIN.password, '198.51.100.41')).status).toBe(200);
  });
});
