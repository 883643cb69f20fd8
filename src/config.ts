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
  };
  /** Serve the GraphQL IDE to browsers at GET /graphql. */
  graphqlIde: boolean;
  /** Allow GraphQL introspection. */
  introspection: boolean;
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
    },
    graphqlIde: flag(env, 'GRAPHQL_IDE', true),
    introspection: flag(env, 'GRAPHQL_INTROSPECTION', true),
  };
}
