import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { SCOPES, type Scope } from './keys/models.ts';
import * as queries from './keys/queries.ts';
import * as keys from './keys/service.ts';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  workspace:create --name <name>                 Create a workspace and print its admin key once
  workspace:list                                 List workspaces
  key:create --workspace <id> --name <name> [--scope INGEST|READ|ADMIN]... [--integration HIGHTOUCH]
                                                 Create a key and print its secret once
  key:list --workspace <id>                      List keys (never secrets)
  key:revoke --workspace <id> --id <key id>      Revoke a key

Uses the same configuration as the server (DATABASE_URL, DATA_DIR).`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      workspace: { type: 'string' },
      id: { type: 'string' },
      scope: { type: 'string', multiple: true },
      integration: { type: 'string' },
    },
  });
  const config = loadConfig();
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const fail = (message: string) => {
    process.stderr.write(`${message}\n\n${USAGE}\n`);
    return 2;
  };
  try {
    await database.migrate();
    const db = database.db;
    switch (command) {
      case 'workspace:create': {
        if (!values.name) return fail('--name is required');
        const created = await keys.createWorkspace(db, values.name);
        out(`workspace ${created.workspace.id} "${created.workspace.name}"`);
        out(`admin key (shown once): ${created.secret}`);
        return 0;
      }
      case 'workspace:list': {
        for (const ws of await queries.listWorkspaces(db)) out(`${ws.id}\t${ws.name}\t${ws.createdAt.toISOString()}`);
        return 0;
      }
      case 'key:create': {
        if (!values.workspace || !values.name) return fail('--workspace and --name are required');
        const scopes = (values.scope ?? ['ADMIN']).map((s) => s.toUpperCase());
        const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
        if (unknown.length > 0) return fail(`unknown scope(s): ${unknown.join(', ')}`);
        const integration = values.integration?.toUpperCase();
        if (integration && integration !== 'HIGHTOUCH') return fail('--integration must be HIGHTOUCH');
        const input = { name: values.name, scopes: scopes as Scope[], integration: integration as 'HIGHTOUCH' | undefined };
        const errors = keys.validateKeyInput(input);
        if (errors.length > 0) return fail(errors.map((e) => e.message).join('\n'));
        const created = await keys.createKey(db, values.workspace, input);
        out(`key ${created.key.id} ${created.key.prefix}… scopes ${created.key.scopes.join(',')}`);
        out(`secret (shown once): ${created.secret}`);
        return 0;
      }
      case 'key:list': {
        if (!values.workspace) return fail('--workspace is required');
        for (const key of await queries.listKeys(db, values.workspace)) {
          out(
            [key.id, key.name, `${key.prefix}…`, key.scopes.join(','), keys.keyStatus(key), key.lastUsedAt?.toISOString() ?? '-'].join(
              '\t',
            ),
          );
        }
        return 0;
      }
      case 'key:revoke': {
        if (!values.workspace || !values.id) return fail('--workspace and --id are required');
        const result = await keys.revokeKey(db, values.workspace, values.id);
        if ('code' in result) return fail(result.message);
        out(`revoked ${result.id}`);
        return 0;
      }
      default:
        return fail(command ? `unknown command ${command}` : 'no command given');
    }
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
