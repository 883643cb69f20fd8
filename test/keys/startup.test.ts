import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/client.ts';
import { bootstrap, startUp } from '../../src/keys/service.ts';
import { freshDatabase } from '../reliability/process.ts';
import { openTestDatabase } from '../support/database.ts';

describe('configuration', () => {
  it('has working defaults with no environment at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', databaseUrl: undefined, dataDir: './.data', logLevel: 'info' });
    expect(config.limits).toMatchObject({
      maxBatchRecords: 1000,
      maxBodyBytes: 5 * 1024 * 1024,
      maxFieldsPerRecord: 256,
      maxFieldKeyLength: 128,
      maxValueBytes: 8192,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ GRAPHQL_IDE: 'maybe' }, /GRAPHQL_IDE must be true or false/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL must be an absolute URL/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('start-up', () => {
  it('creates the Default workspace and an admin key on the first run only', async () => {
    const database = await openTestDatabase();
    try {
      const first = await bootstrap(database.db);
      expect(first?.workspace.name).toBe('Default');
      expect(first?.secret).toMatch(/^cor_[0-9A-Za-z]{43}$/);
      expect(first?.key.scopes).toEqual(['ADMIN']);
      expect(await bootstrap(database.db)).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('lets two instances apply migrations at the same time', async () => {
    const database = await openTestDatabase();
    try {
      // Already migrated once by openTestDatabase; two more concurrent runs must both succeed.
      const other = await openDatabase(database.url ? { url: database.url, maxConnections: 2 } : {});
      try {
        await Promise.all([database.migrate(), other.migrate()]);
      } finally {
        await other.close();
      }
      await database.ping();
    } finally {
      await database.close();
    }
    // Three embedded databases start and migrate here: allow for a loaded CI machine (a hang guard, not a timing).
  }, 120_000);

  it.runIf(process.env.DATABASE_URL)(
    'creates exactly one Default workspace when two instances start together on an empty PostgreSQL database',
    async () => {
      // Several rounds: without the lock both instances usually count zero workspaces and both create one.
      for (let round = 0; round < 4; round++) {
        const empty = await freshDatabase();
        const a = await openDatabase({ url: empty.url, maxConnections: 3 });
        const b = await openDatabase({ url: empty.url, maxConnections: 3 });
        try {
          const firsts = await Promise.all([startUp(a), startUp(b)]);
          expect(firsts.filter(Boolean)).toHaveLength(1);
          const names = await a.db.query.workspaces.findMany();
          expect(names.map((w) => w.name)).toEqual(['Default']);
        } finally {
          await a.close();
          await b.close();
          await empty.drop();
        }
      }
    },
  );
});
