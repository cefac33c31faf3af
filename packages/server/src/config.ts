import { z } from 'zod';
import { type TrustProxy, trustProxyFrom } from './realtime/client-address.js';

/** Every setting the server reads, parsed once from the environment. Nothing else reads process.env. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis://')
    .optional(),
  PARLEY_REDIS_PREFIX: z.string().default('parley:'),
  PARLEY_ADMIN_EMAIL: z.string().email().optional(),
  PARLEY_ADMIN_PASSWORD: z.string().min(8).optional(),
  PARLEY_SITE_ORIGINS: z.string().optional(),
  PARLEY_REASSIGN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  PARLEY_TOKEN_TTL_HOURS: z.coerce.number().positive().default(12),
  PARLEY_VISITOR_MSG_LIMIT: z.coerce.number().int().positive().default(20),
  PARLEY_VISITOR_MSG_WINDOW_MS: z.coerce.number().int().positive().default(10_000),
  PARLEY_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  PARLEY_LOGIN_WINDOW_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
  PARLEY_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().positive().default(50),
  /** `false`: loopback clients get the per-IP connection cap too (tests; a proxy on the same host should not). */
  PARLEY_TRUST_LOOPBACK: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * Proxies whose X-Forwarded-For names the client (Express `trust proxy` syntax: addresses, CIDRs,
   * `loopback`, `linklocal`, `uniquelocal`; `false` for none). Default: a proxy on the same host.
   */
  PARLEY_TRUST_PROXY: z.string().default('loopback'),
  /** Visitor messages per site and window; default 100× the per-visitor limit, at least 2000. */
  PARLEY_SITE_MSG_LIMIT: z.coerce.number().int().positive().optional(),
  PARLEY_SITE_MSG_WINDOW_MS: z.coerce.number().int().positive().default(10_000),
  /** Events of any kind per visitor socket and PARLEY_VISITOR_MSG_WINDOW_MS; default 10× the message limit, at least 300. */
  PARLEY_VISITOR_EVENT_LIMIT: z.coerce.number().int().positive().optional(),
  /** Most bytes one uploaded file may have (default 10 MB). */
  PARLEY_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Uploads per visitor and window, across all processes. */
  PARLEY_VISITOR_UPLOAD_LIMIT: z.coerce.number().int().positive().default(20),
  PARLEY_VISITOR_UPLOAD_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /** An upload no message used within this long is deleted (default 1 h). */
  PARLEY_UPLOAD_UNUSED_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** How often every process sweeps unused attachments (default 10 min). */
  PARLEY_UPLOAD_SWEEP_MS: z.coerce.number().int().positive().default(600_000),
  /** Outgoing email (smtp://user:pass@host:587, smtps://…:465); unset: no email is sent (the outbox still fills). */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  /** Base of links in emails (magic links); default http://HOST:PORT. */
  PARLEY_PUBLIC_URL: z.string().url().optional(),
  /** The From of outgoing email; default "Parley <parley@<reply domain>>". */
  PARLEY_EMAIL_FROM: z.string().min(3).max(300).optional(),
  /** A visitor's unseen agent replies are emailed after this long (default 2 min). */
  PARLEY_EMAIL_AFTER_MS: z.coerce.number().int().min(0).default(120_000),
  /** Domain of reply addresses (reply+<conversation>.<signature>@<domain>); default the public URL's host. */
  PARLEY_EMAIL_REPLY_DOMAIN: z.string().min(1).max(253).optional(),
  /** How long a magic link in an email works (default 7 days). */
  PARLEY_EMAIL_LINK_TTL_HOURS: z.coerce.number().positive().default(168),
  /** First retry delay of a failed email; doubles with jitter up to an hour. */
  PARLEY_EMAIL_RETRY_BASE_MS: z.coerce.number().int().positive().default(10_000),
  /** How often every process looks for email to send (default 5 s). */
  PARLEY_EMAIL_POLL_MS: z.coerce.number().int().positive().default(5_000),
  /** Port of the in-process inbound SMTP listener (replies to Parley's emails); unset: not started. */
  PARLEY_SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PARLEY_SMTP_INBOUND_HOST: z.string().min(1).optional(),
  /** `POST /api/email/inbound` needs `Authorization: Bearer <this>`; unset, the webhook is off (404). */
  PARLEY_INBOUND_WEBHOOK_SECRET: z.string().min(16, 'use at least 16 characters').optional(),
  /** For previews and tests: the server's clock starts at this instant (ISO 8601) and runs on from there. */
  PARLEY_NOW: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date-time')
    .optional(),
  PARLEY_STATIC_DIR: z.string().optional(),
  /** When set, `GET /metrics` needs `Authorization: Bearer <this>`; unset, it is open. */
  PARLEY_METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  siteOrigins: string[] | undefined;
  reassignGraceMs: number;
  tokenTtlMs: number;
  visitorMessageLimit: { limit: number; windowMs: number };
  loginThrottle: { maxFailures: number; windowMs: number };
  maxConnectionsPerIp: number;
  /** Loopback addresses are exempt from the per-IP connection cap (a reverse proxy on the same host). */
  trustLoopback: boolean;
  /** Which peers' X-Forwarded-For is believed when telling who a client is (realtime/client-address.ts). */
  trustProxy: TrustProxy;
  /** Visitor messages per site and window, across all of its visitors. */
  siteMessageLimit: { limit: number; windowMs: number };
  /** Events of any kind per visitor socket and window; twice that and the socket is cut off. */
  visitorEventLimit: { limit: number; windowMs: number };
  /** Attachments: size limit, per-visitor upload rate, and when an unused upload is swept. */
  uploads: {
    maxBytes: number;
    visitorLimit: { limit: number; windowMs: number };
    unusedMs: number;
    sweepEveryMs: number;
  };
  /** Email, both ways (docs/email.md). */
  email: {
    smtpUrl: string | undefined;
    from: string | undefined;
    afterMs: number;
    replyDomain: string | undefined;
    linkTtlMs: number;
    retryBaseMs: number;
    pollMs: number;
    inbound: { port: number | undefined; host: string; webhookSecret: string | undefined };
  };
  /** Base of links in emails; undefined → http://HOST:PORT once listening. */
  publicUrl: string | undefined;
  /** PARLEY_NOW as epoch ms: the clock (domain/clock.ts) starts there. */
  clockStart: number | undefined;
  logLevel: string;
  /** Root of the repository, where the widget and console builds live. */
  staticRoot: string | undefined;
  /** Bearer token `/metrics` requires (PARLEY_METRICS_TOKEN); undefined → open. */
  metricsToken: string | undefined;
  maxHttpBufferSize: number;
  jsonBodyLimit: string;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  let trustProxy: TrustProxy;
  try {
    trustProxy = trustProxyFrom(e.PARLEY_TRUST_PROXY);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  PARLEY_TRUST_PROXY: ${(error as Error).message}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.PARLEY_REDIS_PREFIX,
    adminEmail: e.PARLEY_ADMIN_EMAIL,
    adminPassword: e.PARLEY_ADMIN_PASSWORD,
    siteOrigins: e.PARLEY_SITE_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    reassignGraceMs: e.PARLEY_REASSIGN_GRACE_MS,
    tokenTtlMs: e.PARLEY_TOKEN_TTL_HOURS * 3_600_000,
    visitorMessageLimit: { limit: e.PARLEY_VISITOR_MSG_LIMIT, windowMs: e.PARLEY_VISITOR_MSG_WINDOW_MS },
    loginThrottle: { maxFailures: e.PARLEY_LOGIN_MAX_FAILURES, windowMs: e.PARLEY_LOGIN_WINDOW_MS },
    maxConnectionsPerIp: e.PARLEY_MAX_CONNECTIONS_PER_IP,
    trustLoopback: e.PARLEY_TRUST_LOOPBACK,
    trustProxy,
    siteMessageLimit: {
      limit: e.PARLEY_SITE_MSG_LIMIT ?? Math.max(2000, 100 * e.PARLEY_VISITOR_MSG_LIMIT),
      windowMs: e.PARLEY_SITE_MSG_WINDOW_MS,
    },
    visitorEventLimit: {
      limit: e.PARLEY_VISITOR_EVENT_LIMIT ?? Math.max(300, 10 * e.PARLEY_VISITOR_MSG_LIMIT),
      windowMs: e.PARLEY_VISITOR_MSG_WINDOW_MS,
    },
    uploads: {
      maxBytes: e.PARLEY_UPLOAD_MAX_BYTES,
      visitorLimit: { limit: e.PARLEY_VISITOR_UPLOAD_LIMIT, windowMs: e.PARLEY_VISITOR_UPLOAD_WINDOW_MS },
      unusedMs: e.PARLEY_UPLOAD_UNUSED_MS,
      sweepEveryMs: e.PARLEY_UPLOAD_SWEEP_MS,
    },
    email: {
      smtpUrl: e.SMTP_URL,
      from: e.PARLEY_EMAIL_FROM,
      afterMs: e.PARLEY_EMAIL_AFTER_MS,
      replyDomain: e.PARLEY_EMAIL_REPLY_DOMAIN,
      linkTtlMs: e.PARLEY_EMAIL_LINK_TTL_HOURS * 3_600_000,
      retryBaseMs: e.PARLEY_EMAIL_RETRY_BASE_MS,
      pollMs: e.PARLEY_EMAIL_POLL_MS,
      inbound: {
        port: e.PARLEY_SMTP_INBOUND_PORT,
        host: e.PARLEY_SMTP_INBOUND_HOST ?? e.HOST,
        webhookSecret: e.PARLEY_INBOUND_WEBHOOK_SECRET,
      },
    },
    publicUrl: e.PARLEY_PUBLIC_URL?.replace(/\/+$/, ''),
    clockStart: e.PARLEY_NOW === undefined ? undefined : Date.parse(e.PARLEY_NOW),
    logLevel: e.LOG_LEVEL,
    staticRoot: e.PARLEY_STATIC_DIR,
    metricsToken: e.PARLEY_METRICS_TOKEN,
    maxHttpBufferSize: 64 * 1024,
    jsonBodyLimit: '64kb',
  };
}
