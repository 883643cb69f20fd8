import { describe, expect, it } from 'vitest';
import { AppError, badUserInput, graphqlExtensions, knownFault, restErrorBody, serviceUnavailable } from '../../src/errors.ts';
import { rpcErrorFor } from '../../src/hightouch/jsonrpc.ts';

// One error value, three renderings: what a client of each transport reads must say the same thing.

describe('AppError', () => {
  it('renders the same code, details and Retry-After on GraphQL, REST and JSON-RPC', () => {
    const error = new AppError(429, 'RATE_LIMITED', 'slow down', { scope: 'INGEST' }, 3);
    expect(graphqlExtensions(error)).toEqual({ code: 'RATE_LIMITED', scope: 'INGEST', retryAfterSeconds: 3 });
    expect(restErrorBody(error)).toEqual({
      error: { code: 'RATE_LIMITED', message: 'slow down', details: { scope: 'INGEST', retryAfterSeconds: 3 } },
    });
    expect(rpcErrorFor(error)).toEqual({
      code: -32029,
      message: 'slow down',
      data: { code: 'RATE_LIMITED', scope: 'INGEST', retryable: true, retryAfterSeconds: 3 },
    });
  });

  it('carries the HTTP status to Apollo only for refusals of a whole request', () => {
    expect(serviceUnavailable().extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5, http: { status: 503 } });
    expect(badUserInput('bad').extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(restErrorBody(badUserInput('bad'))).toEqual({ error: { code: 'BAD_USER_INPUT', message: 'bad' } });
  });

  it('knows once that an unreachable or too slow database is a retryable 503, and nothing else', () => {
    for (const cause of [{ code: 'ECONNREFUSED' }, { code: '57014' }, { code: '08006' }, new Error('x', { cause: { code: '57P01' } })]) {
      const fault = knownFault(cause);
      expect([fault?.status, fault?.code, fault?.retryable, fault?.retryAfterSeconds]).toEqual([503, 'SERVICE_UNAVAILABLE', true, 5]);
    }
    // A statement timeout says so (a heavy request), unlike an outage.
    expect(knownFault(new Error('canceling statement due to statement timeout', { cause: { code: '57014' } }))?.details).toEqual({
      reason: 'STATEMENT_TIMEOUT',
    });
    expect(knownFault({ code: '57014' })?.message).toMatch(/statement timeout/);
    expect(knownFault({ code: 'ECONNREFUSED' })?.details).toEqual({});
    expect(knownFault({ code: '08P01' })).toBeUndefined();
    expect(knownFault(new Error('bug'))).toBeUndefined();
    const own = badUserInput('bad');
    expect(knownFault(own)).toBe(own);
    expect(own.retryable).toBe(false);
  });
});
