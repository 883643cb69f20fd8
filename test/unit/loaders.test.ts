import { describe, expect, it } from 'vitest';
import { groupedLoader, keyOf } from '../../src/loaders.ts';

interface Group {
  metric: string;
  days: { firstDay: string; lastDay: string };
}

describe('groupedLoader', () => {
  it('runs one load per distinct group, compared by its key function, whatever the order of properties', async () => {
    const calls: Array<{ group: Group; ids: string[] }> = [];
    const loader = groupedLoader<Group, string>({
      groupKey: (g) => keyOf(g.metric, g.days.firstDay, g.days.lastDay),
      load: async (group, ids) => {
        calls.push({ group, ids });
        return new Map(ids.map((id) => [id, `${group.metric}:${id}`]));
      },
      missing: 'none',
    });
    const week = { firstDay: '2026-01-01', lastDay: '2026-01-07' };
    const results = await Promise.all([
      loader.load({ group: { metric: 'login', days: week }, id: 'a' }),
      // Same group written in another property order, and a repeated id: still one load, ids once.
      loader.load({ group: { days: { lastDay: '2026-01-07', firstDay: '2026-01-01' }, metric: 'login' }, id: 'b' }),
      loader.load({ group: { metric: 'login', days: week }, id: 'a' }),
      loader.load({ group: { metric: 'signup', days: week }, id: 'a' }),
    ]);
    expect(results).toEqual(['login:a', 'login:b', 'login:a', 'signup:a']);
    expect(calls.map((c) => [c.group.metric, c.ids])).toEqual([
      ['login', ['a', 'b']],
      ['signup', ['a']],
    ]);
  });

  it('answers `missing` for ids the load leaves out', async () => {
    const loader = groupedLoader<null, number>({ groupKey: () => '', load: async () => new Map([['x', 1]]), missing: 0 });
    expect(await Promise.all([loader.load({ group: null, id: 'x' }), loader.load({ group: null, id: 'y' })])).toEqual([1, 0]);
  });
});
