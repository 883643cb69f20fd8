// Configuration comes from the environment only, validated once at start-up: a bad value stops
// the process with a message naming the variable, instead of surfacing later as odd behaviour.

export interface Config {
  port: number;
  host: string;
  /** postgres:// URL; unset = embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Base URL clients use to reach this server (for the URLs shown by `connectHightouch`). */
  publicUrl: string;
  limits: {
    /** Records per ingestion call. */
    maxBatchRecords: number;
    /** Request body bytes (after decompression). */
    maxBodyBytes: number;
    maxFieldsPerRecord: number;
    maxFieldKeyLength: number;
    maxValueBytes: number;
    /** Nesting depth of a JSON request body; deeper bodies are refused before parsing. */
    maxJsonDepth: number;
    /** Custom fields new to the catalog that one ingestion call may add (records past it are refused). */
    maxNewFieldsPerCall: number;
    /** Custom fields the catalog of one workspace may hold, all objects together. */
    maxCustomFieldsPerWorkspace: number;
    /** Calls in one JSON-RPC batch (Hightouch adapter). */
    maxRpcBatchCalls: number;
    /** Rows kept in a workspace's rejection log (`ingestIssues`); the least recently seen go first. */
    maxIngestIssues: number;
    /**
     * Distinct non-numeric values of an account or user field counted exactly; past it the field's
     * values are sampled and its distinct count estimated (src/catalog/statistics.ts).
     */
    exactDistinctValues: number;
    /**
     * How often (ms) a server folds what is still unfolded in any workspace (src/rollups/fold.ts):
     * work another instance left when it stopped, or a fold that failed. 0 = only at start-up, after
     * ingest calls and before reads.
     */
    foldSweepMs: number;
    /**
     * Events of one workspace acknowledged but not folded yet beyond which an ingest call folds
     * before it answers (backpressure): what bounds the work a read may have to fold first.
     */
    maxUnfoldedEvents: number;
  };
  /** Checked before a GraphQL operation executes (src/graphql/limits.ts). */
  graphqlLimits: {
    maxDepth: number;
    maxAliases: number;
    /** Estimated cost: non-leaf fields cost 1, multiplied by the `first`/`limit` of enclosing lists. */
    maxCost: number;
    /** Assumed length of a list field that has no `first`/`limit` argument. */
    listSizeEstimate: number;
    /** Series points one operation may return, all series together (estimated before execution). */
    maxPoints: number;
    /** Lexical tokens in one document (bounds parse and validation work). */
    maxTokens: number;
    /** Operations in one batched (array) request; 0 = batching refused. */
    maxBatch: number;
  };
  /** Token buckets per API key and kind of work; `perSecond: 0` = unlimited. */
  rateLimits: Record<'INGEST' | 'READ' | 'ADMIN', { perSecond: number; burst: number }>;
  /** Token bucket per client address for requests with a missing or wrong key; `perSecond: 0` = unlimited. */
  unauthenticatedRateLimit: { perSecond: number; burst: number };
  /** Queries of one workspace running at once in this process, and how long an extra one waits for a slot. */
  readConcurrency: { perWorkspace: number; queueTimeoutMs: number; maxQueued: number };
  /**
   * Which proxies' X-Forwarded-* headers are believed (Fastify `trustProxy`): false (default: the
   * client is the TCP peer), true (any: only behind a proxy that overwrites them), a number of
   * hops, or addresses/CIDR ranges of the proxies.
   */
  trustProxy: boolean | number | string[];
  /** redis:// URL: rate-limit buckets shared by every instance; unset = in-process buckets. */
  redisUrl: string | undefined;
  /** Prefix of the Redis keys of rate-limit buckets. */
  rateLimitKeyPrefix: string;
  /** Serve the GraphQL IDE to browsers at GET /graphql. */
  graphqlIde: boolean;
  /** Allow GraphQL introspection. */
  introspection: boolean;
  /** Bearer token required by GET /metrics; unset = only loopback clients that did not come through a proxy may scrape. */
  metricsToken: string | undefined;
  /** Browser origins allowed to call the API cross-origin; empty = same-origin only; `*` = any. */
  corsOrigins: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** Comma-separated origins (`https://app.example.com`), normalised the way browsers send `Origin`. */
function origins(env: Env, name: string): string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return list.map((origin) => {
    if (origin === '*') return origin;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username) {
      throw new ConfigError(`${name} must list origins such as https://app.example.com (no path), got "${origin}"`);
    }
    return parsed.origin;
  });
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function bucket(env: Env, scope: string, perSecond: number, burst: number): { perSecond: number; burst: number } {
  return {
    perSecond: decimal(env, `RATE_LIMIT_${scope}_PER_SECOND`, perSecond, 0, 1_000_000),
    burst: integer(env, `RATE_LIMIT_${scope}_BURST`, burst, 1, 1_000_000),
  };
}

function redisUrl(env: Env): string | undefined {
  const url = env.REDIS_URL || undefined;
  if (url && !/^rediss?:\/\//.test(url)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  return url;
}

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || /^(false|0|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return true;
  if (/^[1-9]\d{0,2}$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((a) => a.trim());
  if (addresses.some((a) => !/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(a))) {
    throw new ConfigError(`TRUST_PROXY must be true, false, a number of hops or proxy addresses (10.0.0.1,10.1.0.0/16), got "${raw}"`);
  }
  return addresses;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 4000, 0, 65_535);
  const host = env.HOST || '127.0.0.1';

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }

  const publicUrl = (env.PUBLIC_URL || `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, got "${env.PUBLIC_URL}"`);
  }

  return {
    port,
    host,
    databaseUrl,
    dataDir: env.DATA_DIR || './.data',
    logLevel: logLevel as Config['logLevel'],
    publicUrl,
    limits: {
      maxBatchRecords: integer(env, 'MAX_BATCH_RECORDS', 1000, 1, 100_000),
      maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 5 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxFieldsPerRecord: integer(env, 'MAX_FIELDS_PER_RECORD', 256, 1, 10_000),
      maxFieldKeyLength: integer(env, 'MAX_FIELD_KEY_LENGTH', 128, 1, 1024),
      maxValueBytes: integer(env, 'MAX_VALUE_BYTES', 8 * 1024, 16, 1024 * 1024),
      maxJsonDepth: integer(env, 'MAX_JSON_DEPTH', 64, 4, 10_000),
      maxNewFieldsPerCall: integer(env, 'MAX_NEW_FIELDS_PER_CALL', 500, 1, 1_000_000),
      maxCustomFieldsPerWorkspace: integer(env, 'MAX_CUSTOM_FIELDS_PER_WORKSPACE', 10_000, 1, 10_000_000),
      maxRpcBatchCalls: integer(env, 'MAX_RPC_BATCH_CALLS', 20, 1, 1000),
      maxIngestIssues: integer(env, 'MAX_INGEST_ISSUES', 500, 1, 100_000),
      exactDistinctValues: integer(env, 'CATALOG_EXACT_DISTINCT_VALUES', 8192, 1, 10_000_000),
      foldSweepMs: integer(env, 'FOLD_SWEEP_MS', 10_000, 0, 3_600_000),
      maxUnfoldedEvents: integer(env, 'MAX_UNFOLDED_EVENTS', 5_000, 1, 10_000_000),
    },
    graphqlLimits: {
      maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 15, 1, 1000),
      maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 50, 0, 100_000),
      maxCost: integer(env, 'GRAPHQL_MAX_COST', 50_000, 1, 1_000_000_000),
      listSizeEstimate: integer(env, 'GRAPHQL_LIST_SIZE_ESTIMATE', 10, 1, 10_000),
      maxPoints: integer(env, 'GRAPHQL_MAX_POINTS', 20_000, 1, 100_000_000),
      maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 100_000, 100, 10_000_000),
      maxBatch: integer(env, 'GRAPHQL_MAX_BATCH', 0, 0, 1000),
    },
    rateLimits: {
      INGEST: bucket(env, 'INGEST', 200, 400),
      READ: bucket(env, 'READ', 200, 400),
      ADMIN: bucket(env, 'ADMIN', 20, 100),
    },
    unauthenticatedRateLimit: bucket(env, 'UNAUTHENTICATED', 5, 100),
    readConcurrency: {
      perWorkspace: integer(env, 'MAX_CONCURRENT_READS_PER_WORKSPACE', 4, 1, 10_000),
      queueTimeoutMs: integer(env, 'READ_QUEUE_TIMEOUT_MS', 5_000, 0, 600_000),
      maxQueued: integer(env, 'READ_QUEUE_MAX_PER_WORKSPACE', 100, 0, 1_000_000),
    },
    trustProxy: trustProxy(env),
    redisUrl: redisUrl(env),
    rateLimitKeyPrefix: env.RATE_LIMIT_KEY_PREFIX || 'ratelimit:',
    graphqlIde: flag(env, 'GRAPHQL_IDE', true),
    introspection: flag(env, 'GRAPHQL_INTROSPECTION', true),
    metricsToken: env.METRICS_TOKEN || undefined,
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}
