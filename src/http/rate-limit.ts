import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { RateClass } from '../graphql/auth.ts';
import type { Principal } from '../keys/models.ts';
import { DISPLAY_PREFIX_LENGTH, displayPrefix, KEY_PREFIX } from '../keys/secrets.ts';
import { bearerSecret } from '../keys/service.ts';

// Token buckets per API key and kind of work. The kind of work is what the request does, not what
// the key may do: Hightouch routes spend INGEST tokens on arrival, before any adapter code runs; a
// GraphQL operation spends a token of the class its root fields declare with `@auth(rateClass:)`
// in schema.graphql, charged by `rateClassPlugin` (`src/graphql/auth.ts`) from the operation
// Apollo parsed, before it runs (one token per operation of a batched request). Health, readiness, metrics and the IDE page are never limited.
// Buckets live in this process, or in Redis (REDIS_URL) so that every instance shares them. When
// Redis does not answer, requests are let through (logged): an outage of the limiter must not
// become an outage of ingestion.

export type RateScope = RateClass;
export interface BucketRule {
  perSecond: number;
  burst: number;
}
export interface TakeResult {
  allowed: boolean;
  /** Whole seconds until enough tokens are back (0 when allowed). */
  retryAfterSeconds: number;
}
export interface BucketStore {
  take(key: string, rule: BucketRule, tokens: number): Promise<TakeResult>;
  close(): Promise<void>;
  /** Readiness of a shared store (Redis); absent for in-process buckets. */
  ping?(): Promise<void>;
}

/** The pure bucket arithmetic, shared by the in-memory store and (in Lua) by the Redis one. */
export function refill(state: { tokens: number; at: number } | undefined, rule: BucketRule, now: number) {
  if (!state) return { tokens: rule.burst, at: now };
  return { tokens: Math.min(rule.burst, state.tokens + (Math.max(0, now - state.at) * rule.perSecond) / 1000), at: now };
}

export function memoryStore(now: () => number = Date.now): BucketStore {
  const buckets = new Map<string, { tokens: number; at: number; fullAt: number }>();
  let sweptAt = now();
  return {
    async take(key, rule, tokens) {
      const t = now();
      // Forget full buckets now and then, so one-off keys do not accumulate forever.
      if (t - sweptAt > 60_000) {
        sweptAt = t;
        for (const [k, b] of buckets) if (b.fullAt <= t) buckets.delete(k);
      }
      const state = refill(buckets.get(key), rule, t);
      const allowed = state.tokens >= tokens;
      if (allowed) state.tokens -= tokens;
      buckets.set(key, { ...state, fullAt: t + ((rule.burst - state.tokens) * 1000) / rule.perSecond });
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil((tokens - state.tokens) / rule.perSecond) };
    },
    async close() {
      buckets.clear();
    },
  };
}

// Atomic read-refill-take-write. The clock is Redis's own (TIME), so instances with skewed clocks
// still agree. Floats travel as strings: Redis truncates Lua numbers to integers on return.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
return {allowed, retry}
`;

type RedisWithTake = Redis & { takeTokens(key: string, rate: number, burst: number, cost: number): Promise<[number, number]> };

export function redisStore(redis: Redis, prefix: string, onError: (error: unknown) => void): BucketStore {
  const client = redis as RedisWithTake;
  client.defineCommand('takeTokens', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  return {
    async take(key, rule, tokens) {
      try {
        const [allowed, retry] = await client.takeTokens(prefix + key, rule.perSecond, rule.burst, tokens);
        return { allowed: allowed === 1, retryAfterSeconds: Number(retry) };
      } catch (error) {
        onError(error);
        return { allowed: true, retryAfterSeconds: 0 };
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
    async ping() {
      await redis.ping();
    },
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The handler authenticates and charges itself, per call of the request (JSON-RPC batches). */
    rateLimitPerCall?: boolean;
  }
}

/** How a key reached the service: a metric label, never the key. `none`: the request carried none. */
export type KeyRoute = 'header' | 'path' | 'option' | 'none';

/** One key presented by a request (or by `attempts` calls of a JSON-RPC batch). */
export interface KeyAttempt {
  /** The key as presented; undefined when the request carried none. */
  secret: string | undefined;
  via: KeyRoute;
  /** Looks the key up (cached by the caller); undefined when missing, invalid, revoked or expired. */
  lookup: () => Promise<Principal | undefined>;
  /** Calls presenting this key (a JSON-RPC batch): each is one attempt of the refused-key count. Default 1. */
  attempts?: number;
}

export interface RateLimiter {
  /** Spend `count` tokens of `scope` for the principal's key; over the limit throws a 429 AppError. */
  charge(principal: Principal, scope: RateScope, count: number): Promise<void>;
  /**
   * The one authentication step of every way a key arrives (header, URL path, a JSON-RPC call's
   * `configuration.api_key`): the principal, or undefined when refused (the caller answers 401 in
   * its shape); throws a 429 AppError with Retry-After once the refusals of the client address or
   * of the key prefix exceed `RATE_LIMIT_UNAUTHENTICATED_*`.
   */
  authenticate(request: FastifyRequest, attempt: KeyAttempt): Promise<Principal | undefined>;
  /** Ping the shared bucket store (Redis) for /readyz; undefined with in-process buckets. */
  ping?: () => Promise<void>;
}

export interface RateLimitOptions {
  /** Replaces the store chosen from the config (tests). */
  store?: BucketStore;
  /** Skip the request (the IDE page served at GET /graphql). */
  skip?: (request: FastifyRequest) => boolean;
}

/** The store of the buckets: the one given, Redis when REDIS_URL is set, else this process's memory. Closed with the app. */
function openBucketStore(app: FastifyInstance, config: Config, given: BucketStore | undefined): BucketStore {
  let warnedAt = 0;
  const onRedisError = (error: unknown) => {
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    app.log.warn({ err: error }, 'rate limiter: Redis unavailable, requests are not limited');
  };
  let store = given;
  if (!store && config.redisUrl) {
    // No offline queue: while Redis is unreachable a request fails open at once instead of waiting.
    const redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
    });
    redis.on('error', onRedisError);
    store = redisStore(redis, config.rateLimitKeyPrefix, onRedisError);
    app.addHook('onReady', async () => {
      await redis.connect().catch(onRedisError);
    });
  }
  const buckets = store ?? memoryStore();
  app.addHook('onClose', async () => {
    await buckets.close();
  });
  return buckets;
}

/** Per-key token buckets by kind of work. */
function keyCharger(config: Config, buckets: BucketStore): RateLimiter['charge'] {
  return async (principal, scope, count) => {
    const rule = config.rateLimits[scope];
    if (rule.perSecond <= 0 || count <= 0) return;
    const result = await buckets.take(`${principal.key.id}:${scope}`, rule, Math.min(count, rule.burst));
    if (!result.allowed) {
      const retryAfterSeconds = Math.max(1, result.retryAfterSeconds);
      const message = `Too many ${scope.toLowerCase()} requests for this API key; retry in ${retryAfterSeconds} s.`;
      throw new AppError(429, 'RATE_LIMITED', message, { scope, limitPerSecond: rule.perSecond, burst: rule.burst }, retryAfterSeconds);
    }
  };
}

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64');

/** The display prefix of a presented key that has one (`cor_` and six characters), for its refusal bucket. */
function prefixOf(secret: string | undefined): string | undefined {
  return secret?.startsWith(KEY_PREFIX) && secret.length >= DISPLAY_PREFIX_LENGTH ? displayPrefix(secret) : undefined;
}

/**
 * The refused-key limit behind `RateLimiter.authenticate`. A refusal spends one token per attempt
 * of its client address's bucket and of its key prefix's bucket (`unauthenticatedRateLimit`);
 * either empty answers 429. An address whose bucket is empty is remembered (per process, swept)
 * and its next attempts are refused before the lookup, unless their key authenticated recently
 * here: one tenant's wrong key must not lock out the others sharing its address (every Hightouch
 * sync comes from Hightouch's few egress addresses). A prefix is never refused before the lookup:
 * a display prefix is not secret, and whoever knows one could otherwise lock its key's owner out.
 */
function refusedKeyLimit(app: FastifyInstance, config: Config, buckets: BucketStore): RateLimiter['authenticate'] {
  const rule = config.unauthenticatedRateLimit;
  const blockedUntil = new Map<string, number>();
  let sweptAt = Date.now();
  // Digests of keys that authenticated recently on this instance (bounded, oldest out).
  const recentlyValid = new Map<string, true>();
  const count = (via: KeyRoute, outcome: 'unauthenticated' | 'rate_limited', n: number) => app.metrics?.countKeyRefusals(via, outcome, n);
  const tooMany = (attempt: KeyAttempt, retryAfterSeconds: number) => {
    count(attempt.via, 'rate_limited', attempt.attempts ?? 1);
    const message = `Too many requests with a missing or wrong API key from this address; retry in ${retryAfterSeconds} s.`;
    const details = { scope: 'UNAUTHENTICATED', limitPerSecond: rule.perSecond, burst: rule.burst };
    return new AppError(429, 'RATE_LIMITED', message, details, retryAfterSeconds);
  };
  const blockedFor = (ip: string, now: number): number | undefined => {
    if (now - sweptAt > 60_000) {
      sweptAt = now;
      for (const [address, until] of blockedUntil) if (until <= now) blockedUntil.delete(address);
    }
    const until = blockedUntil.get(ip);
    return until !== undefined && until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : undefined;
  };

  return async (request, attempt) => {
    const attempts = Math.max(1, attempt.attempts ?? 1);
    if (rule.perSecond <= 0) {
      const principal = await attempt.lookup();
      if (!principal) count(attempt.via, 'unauthenticated', attempts);
      return principal;
    }
    const now = Date.now();
    const known = attempt.secret !== undefined ? digest(attempt.secret) : undefined;
    const blocked = blockedFor(request.ip, now);
    if (blocked !== undefined && !(known && recentlyValid.has(known))) throw tooMany(attempt, blocked);
    const principal = await attempt.lookup();
    if (principal) {
      if (known) {
        recentlyValid.delete(known);
        recentlyValid.set(known, true);
        if (recentlyValid.size > 10_000) recentlyValid.delete(recentlyValid.keys().next().value!);
      }
      return principal;
    }
    const tokens = Math.min(attempts, rule.burst);
    const prefix = prefixOf(attempt.secret);
    const byAddress = await buckets.take(`unauthenticated:${request.ip}`, rule, tokens);
    const byPrefix = byAddress.allowed && prefix ? await buckets.take(`unauthenticated-prefix:${prefix}`, rule, tokens) : undefined;
    if (byAddress.allowed && (byPrefix?.allowed ?? true)) {
      count(attempt.via, 'unauthenticated', attempts);
      return undefined;
    }
    const retryAfterSeconds = Math.max(1, byAddress.retryAfterSeconds, byPrefix?.retryAfterSeconds ?? 0);
    if (!byAddress.allowed) blockedUntil.set(request.ip, now + retryAfterSeconds * 1000);
    throw tooMany(attempt, retryAfterSeconds);
  };
}

/**
 * Token buckets for the server: `charge` per key and kind of work, `authenticate` for every key
 * attempt. Requests to /graphql and the Hightouch REST routes are authenticated in `onRequest`,
 * before their body is read (the principal is cached per request by `authenticateRequest`, for
 * the GraphQL context and the adapter), and Hightouch routes spend an INGEST token there; GraphQL
 * operations are charged by `rateClassPlugin` through `charge`, since the operations decide the
 * kind of work. The JSON-RPC endpoint authenticates and charges each call of its body itself
 * (src/hightouch/destination.ts), with the same two functions. A database outage while
 * authenticating propagates and becomes a 503.
 */
export function registerRateLimit(
  app: FastifyInstance,
  config: Config,
  authenticateRequest: (request: FastifyRequest) => Promise<Principal | undefined>,
  options: RateLimitOptions = {},
): RateLimiter {
  const buckets = openBucketStore(app, config, options.store);
  const limiter: RateLimiter = {
    charge: keyCharger(config, buckets),
    authenticate: refusedKeyLimit(app, config, buckets),
    ping: buckets.ping?.bind(buckets),
  };
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions?.url ?? '';
    if (request.method === 'OPTIONS' || !(url.startsWith('/hightouch/') || url === '/graphql') || options.skip?.(request)) return;
    if (request.routeOptions.config?.rateLimitPerCall) return;
    const secret = bearerSecret(request.headers.authorization);
    const principal = await limiter.authenticate(request, {
      secret,
      via: secret === undefined ? 'none' : 'header',
      lookup: () => authenticateRequest(request),
    });
    if (principal && url.startsWith('/hightouch/')) await limiter.charge(principal, 'INGEST', 1);
  });
  return limiter;
}
