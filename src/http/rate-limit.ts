import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { RateClass } from '../graphql/auth.ts';
import type { Principal } from '../keys/models.ts';

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
    /** The handler charges the tokens itself, one per call of the request (JSON-RPC batches). */
    rateLimitPerCall?: boolean;
  }
}

export interface RateLimiter {
  /** Spend `count` tokens of `scope` for the principal's key; over the limit throws a 429 AppError. */
  charge(principal: Principal, scope: RateScope, count: number): Promise<void>;
  /** Ping the shared bucket store (Redis) for /readyz; undefined with in-process buckets. */
  ping?: () => Promise<void>;
}

export interface RateLimitOptions {
  /** Replaces the store chosen from the config (tests). */
  store?: BucketStore;
  /** Skip the request (the IDE page served at GET /graphql). */
  skip?: (request: FastifyRequest) => boolean;
}

/**
 * Authenticate (once: the principal is cached for the GraphQL context and the adapter), then
 * spend tokens; over the limit throws a 429 AppError with Retry-After, rendered by the route's
 * error handler. Hightouch routes are checked on arrival, before their body is read; GraphQL
 * operations by `rateClassPlugin` through `charge`, since the operations decide the kind of work. Requests with a missing or
 * wrong key are refused by their route with 401 and spend a token of their client address's
 * bucket (`unauthenticatedRateLimit`); once it is empty, that address gets 429 without its key
 * being looked up until the bucket allows again — except keys that authenticated recently here. A database outage while authenticating
 * propagates and becomes a 503.
 */
export function registerRateLimit(
  app: FastifyInstance,
  config: Config,
  authenticateRequest: (request: FastifyRequest) => Promise<Principal | undefined>,
  options: RateLimitOptions = {},
): RateLimiter {
  let warnedAt = 0;
  const onRedisError = (error: unknown) => {
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    app.log.warn({ err: error }, 'rate limiter: Redis unavailable, requests are not limited');
  };
  let store = options.store;
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

  const charge = async (principal: Principal, scope: RateScope, count: number): Promise<void> => {
    const rule = config.rateLimits[scope];
    if (rule.perSecond <= 0 || count <= 0) return;
    const result = await buckets.take(`${principal.key.id}:${scope}`, rule, Math.min(count, rule.burst));
    if (!result.allowed) {
      const retryAfterSeconds = Math.max(1, result.retryAfterSeconds);
      const message = `Too many ${scope.toLowerCase()} requests for this API key; retry in ${retryAfterSeconds} s.`;
      throw new AppError(429, 'RATE_LIMITED', message, { scope, limitPerSecond: rule.perSecond, burst: rule.burst }, retryAfterSeconds);
    }
  };

  // Addresses whose failed-authentication bucket is empty, until when: checked before the key
  // lookup that an unlimited stream of wrong keys would otherwise cost (per process; swept).
  const blockedUntil = new Map<string, number>();
  let sweptAt = Date.now();
  // Digests of Authorization headers that authenticated recently on this instance: they are still
  // looked up from a blocked address, so one tenant's wrong key cannot lock out the others sharing
  // its address (every Hightouch sync comes from Hightouch's few egress addresses).
  const recentlyValid = new Map<string, true>();
  const credential = (request: FastifyRequest) =>
    createHash('sha256')
      .update(request.headers.authorization ?? '')
      .digest('base64');
  const unauthenticated = (retryAfterSeconds: number) => {
    const rule = config.unauthenticatedRateLimit;
    const message = `Too many requests with a missing or wrong API key from this address; retry in ${retryAfterSeconds} s.`;
    return new AppError(
      429,
      'RATE_LIMITED',
      message,
      { scope: 'UNAUTHENTICATED', limitPerSecond: rule.perSecond, burst: rule.burst },
      retryAfterSeconds,
    );
  };
  const admit = async (request: FastifyRequest): Promise<void> => {
    const rule = config.unauthenticatedRateLimit;
    if (rule.perSecond <= 0) return;
    const now = Date.now();
    if (now - sweptAt > 60_000) {
      sweptAt = now;
      for (const [address, until] of blockedUntil) if (until <= now) blockedUntil.delete(address);
    }
    const until = blockedUntil.get(request.ip);
    const digest = credential(request);
    if (until !== undefined && until > now && !recentlyValid.has(digest)) {
      throw unauthenticated(Math.max(1, Math.ceil((until - now) / 1000)));
    }
    if (await authenticateRequest(request)) {
      recentlyValid.delete(digest);
      recentlyValid.set(digest, true);
      if (recentlyValid.size > 10_000) recentlyValid.delete(recentlyValid.keys().next().value!);
      return;
    }
    const result = await buckets.take(`unauthenticated:${request.ip}`, rule, 1);
    if (result.allowed) return;
    const retryAfterSeconds = Math.max(1, result.retryAfterSeconds);
    blockedUntil.set(request.ip, now + retryAfterSeconds * 1000);
    throw unauthenticated(retryAfterSeconds);
  };

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions?.url ?? '';
    if (request.method === 'OPTIONS' || !(url.startsWith('/hightouch/') || url === '/graphql') || options.skip?.(request)) return;
    // The JSON-RPC endpoint authenticates and charges each call itself (its keys may also come in
    // the URL or the body), so it is left out of the per-address count of refused keys too.
    if (request.routeOptions.config?.rateLimitPerCall) return;
    await admit(request);
    if (!url.startsWith('/hightouch/')) return;
    const principal = await authenticateRequest(request);
    if (principal) await charge(principal, 'INGEST', 1);
  });
  return { charge, ping: buckets.ping?.bind(buckets) };
}
