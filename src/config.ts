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
    /** Calls in one JSON-RPC batch (Hightouch adapter). */
    maxRpcBatchCalls: number;
    /** Rows kept in a workspace's rejection log (`ingestIssues`); the least recently seen go first. */
    maxIngestIssues: number;
  };
  /** Checked before a GraphQL operation executes (src/graphql/limits.ts). */
  graphqlLimits: {
    maxDepth: number;
    maxAliases: number;
    /** Estimated cost: non-leaf fields cost 1, multiplied by the `first`/`limit` of enclosing lists. */
    maxCost: number;
    /** Assumed length of a list field that has no `first`/`limit` argument. */
    listSizeEstimate: number;
    /** Lexical tokens in one document (bounds parse and validation work). */
    maxTokens: number;
    /** Operations in one batched (array) request; 0 = batching refused. */
    maxBatch: number;
  };
  /** Token buckets per API key and kind of work; `perSecond: 0` = unlimited. */
  rateLimits: Record<'INGEST' | 'READ' | 'ADMIN', { perSecond: number; burst: number }>;
  /** redis:// URL: rate-limit buckets shared by every instance; unset = in-process buckets. */
  redisUrl: string | undefined;
  /** Prefix of the Redis keys of rate-limit buckets. */
  rateLimitKeyPrefix: string;
  /** Serve the GraphQL IDE to browsers at GET /graphql. */
  graphqlIde: boolean;
  /** Allow GraphQL introspection. */
  introspection: boolean;
  /** Bearer token required by GET /metrics; unset = the endpoint is open (keep it off the public network). */
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
      maxRpcBatchCalls: integer(env, 'MAX_RPC_BATCH_CALLS', 20, 1, 1000),
      maxIngestIssues: integer(env, 'MAX_INGEST_ISSUES', 500, 1, 100_000),
    },
    graphqlLimits: {
      maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 15, 1, 1000),
      maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 50, 0, 100_000),
      maxCost: integer(env, 'GRAPHQL_MAX_COST', 50_000, 1, 1_000_000_000),
      listSizeEstimate: integer(env, 'GRAPHQL_LIST_SIZE_ESTIMATE', 10, 1, 10_000),
      maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 100_000, 100, 10_000_000),
      maxBatch: integer(env, 'GRAPHQL_MAX_BATCH', 0, 0, 1000),
    },
    rateLimits: {
      INGEST: bucket(env, 'INGEST', 200, 400),
      READ: bucket(env, 'READ', 200, 400),
      ADMIN: bucket(env, 'ADMIN', 20, 100),
    },
    redisUrl: redisUrl(env),
    rateLimitKeyPrefix: env.RATE_LIMIT_KEY_PREFIX || 'ratelimit:',
    graphqlIde: flag(env, 'GRAPHQL_IDE', true),
    introspection: flag(env, 'GRAPHQL_INTROSPECTION', true),
    metricsToken: env.METRICS_TOKEN || undefined,
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}
