import { describe, expect, it } from 'vitest';
import { ArgsError, parseArgs, parseCount } from '../../bench/args.ts';
import { describeScans, summarizePlan } from '../../bench/explain.ts';
import { PRESETS } from '../../bench/generator.ts';
import { toDimensionRow, toEventRow, toGraphQLInput } from '../../bench/records.ts';
import { median, percentile, rate, rssGrowth, summarize } from '../../bench/stats.ts';

const NOW = new Date('2026-03-15T10:30:00.000Z');

describe('percentiles', () => {
  it('interpolates between the nearest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 50)).toBe(30);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 9], 0)).toBe(1);
    expect(percentile([1, 9], 100)).toBe(9);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted samples', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ n: 5, min: 1, p50: 3, max: 5, mean: 3 });
    expect(s.p95).toBeCloseTo(4.8);
    expect(summarize([]).n).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('computes rates and memory growth', () => {
    expect(rate(1000, 500)).toBe(2000);
    expect(rate(1000, 0)).toBe(0);
    expect(rssGrowth([100, 100, 100, 100, 100, 100, 100, 100])).toBe(0);
    expect(rssGrowth([90, 90, 100, 100, 110, 110, 120, 120])).toBeCloseTo(0.2);
    expect(rssGrowth([1, 2, 3])).toBeNaN();
  });
});

describe('argument parsing', () => {
  it('defaults to the default preset, anchored at the start of the UTC day', () => {
    const o = parseArgs([], NOW);
    expect(o.scale).toEqual(PRESETS.default);
    expect(o.preset).toBe('default');
    expect(o.now.toISOString()).toBe('2026-03-15T00:00:00.000Z');
    expect(o).toMatchObject({ batchSize: 1000, concurrency: 4, steps: 3, modes: ['rest', 'graphql', 'raw'], pglite: 'dir', help: false });
    // Samples and plans are written only on request.
    expect(o.rawOut).toBeNull();
    expect(parseArgs(['--raw-out', '/tmp/run.json'], NOW).rawOut).toBe('/tmp/run.json');
    expect(o.tracingOverhead).toBe(false);
    expect(parseArgs(['--tracing-overhead'], NOW).tracingOverhead).toBe(true);
  });

  it('reads presets, counts with suffixes and inline values', () => {
    expect(parseArgs(['--large'], NOW).scale).toEqual(PRESETS.large);
    expect(parseArgs(['--wide'], NOW).scale).toEqual({ accounts: 20_000, users: 200_000, events: 200_000 });
    const o = parseArgs(
      ['--small', '--events=20k', '--users', '1_000', '--concurrency', '8', '--modes', 'raw,rest', '--duration', '0.5'],
      NOW,
    );
    expect(o.scale).toEqual({ accounts: PRESETS.small.accounts, users: 1000, events: 20_000 });
    expect(o.preset).toBe('custom');
    expect(o.concurrency).toBe(8);
    expect(o.modes).toEqual(['rest', 'raw']);
    expect(o.duration).toBe(0.5);
    expect(parseArgs(['--', '--help'], NOW).help).toBe(true);
    expect(parseCount('1.5m', '--events')).toBe(1_500_000);
    expect(parseCount('200000', '--events')).toBe(200_000);
  });

  it('refuses what it cannot honour', () => {
    expect(() => parseArgs(['--bogus'], NOW)).toThrow(ArgsError);
    expect(() => parseArgs(['--batch', '5000'], NOW)).toThrow(/between 1 and 1000/);
    expect(() => parseArgs(['--events'], NOW)).toThrow(/needs a value/);
    expect(() => parseArgs(['--events', '--users', '3'], NOW)).toThrow(/needs a value/);
    expect(() => parseArgs(['--events', 'lots'], NOW)).toThrow(/whole number/);
    expect(() => parseArgs(['--modes', 'rest,soap'], NOW)).toThrow(/--modes/);
    expect(() => parseArgs(['--users', '0', '--events', '10'], NOW)).toThrow(/at least one user/);
    expect(() => parseArgs(['--pglite', 'disk'], NOW)).toThrow(/dir or memory/);
  });
});

describe('record shapes', () => {
  const account = { account_id: 'acc_1', company_name: 'Acme', seats: 10, region: null, lifecycle_stage: 'active', health_score: 80 };
  const user = { user_id: 'usr_1', email: 'a@acme.com', account_id: 'acc_1', first_name: 'Ada', department: 'Ops' };
  const event = {
    event_id: 'evt_1',
    event_name: 'Ran Query',
    timestamp: '2026-03-01T00:00:00.000Z',
    user_id: 'usr_1',
    account_id: null,
    duration_ms: 12,
    source: null,
  };

  it('maps snake_case records to GraphQL inputs', () => {
    expect(toGraphQLInput('account', account)).toEqual({
      id: 'acc_1',
      name: 'Acme',
      seats: 10,
      region: null,
      custom: { lifecycle_stage: 'active', health_score: 80 },
    });
    expect(toGraphQLInput('user', user)).toEqual({
      id: 'usr_1',
      email: 'a@acme.com',
      accountId: 'acc_1',
      firstName: 'Ada',
      custom: { department: 'Ops' },
    });
    expect(toGraphQLInput('event', event)).toEqual({
      eventId: 'evt_1',
      name: 'Ran Query',
      timestamp: '2026-03-01T00:00:00.000Z',
      userId: 'usr_1',
      accountId: null,
      properties: { duration_ms: 12, source: null },
    });
  });

  it('maps records to the stored columns used by the raw limit', () => {
    expect(toDimensionRow('account', account)).toEqual({
      id: 'acc_1',
      dims: { name: 'Acme', seats: 10, lifecycle_stage: 'active', health_score: 80 },
    });
    expect(toDimensionRow('user', user).dims).toEqual({ email: 'a@acme.com', accountId: 'acc_1', firstName: 'Ada', department: 'Ops' });
    expect(toEventRow(event)).toEqual({
      dedupKey: 'evt_1',
      eventId: 'evt_1',
      name: 'Ran Query',
      occurredAt: '2026-03-01T00:00:00.000Z',
      userId: 'usr_1',
      accountId: null,
      properties: { duration_ms: 12 },
    });
  });
});

describe('plan summaries', () => {
  const plan = [
    {
      Plan: {
        'Node Type': 'Hash Join',
        Plans: [
          { 'Node Type': 'Seq Scan', 'Relation Name': 'accounts' },
          {
            'Node Type': 'Bitmap Heap Scan',
            'Relation Name': 'metric_daily',
            Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'metric_daily_account_idx' }],
          },
        ],
      },
      'Planning Time': 0.2,
      'Execution Time': 1.5,
    },
  ];

  it('lists table accesses and sequential scans, from parsed or textual JSON', () => {
    for (const input of [plan, JSON.stringify(plan)]) {
      const s = summarizePlan(input);
      expect(s.scans).toEqual(['Seq Scan accounts', 'Bitmap Heap Scan metric_daily', 'Bitmap Index Scan metric_daily_account_idx']);
      expect(s.seqScans).toEqual(['accounts']);
      expect(s.executionMs).toBe(1.5);
    }
    const line = describeScans([summarizePlan(plan), summarizePlan(plan)]);
    expect(line.startsWith('Seq Scan accounts ×2')).toBe(true);
    expect(describeScans([])).toBe('no table access');
  });
});
