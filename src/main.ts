import { mkdirSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { DataDirLockedError } from './db/lock.ts';
import { warmPages } from './http/static.ts';
import { startTracing } from './observability/tracing.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  // OpenTelemetry, when the standard OTEL_* variables configure it (src/observability/tracing.ts).
  const tracing = await startTracing();
  if (!config.databaseUrl) mkdirSync(config.dataDir, { recursive: true });
  // The database opens (embedded PGlite compiles its WebAssembly and starts PostgreSQL) while the
  // server's modules load: a start waits for the slower of the two, not for both.
  const [database, { startUp }, { buildServer }] = await Promise.all([
    openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir }),
    import('./keys/service.ts'),
    import('./server.ts'),
  ]);
  const first = await startUp(database);
  if (first) {
    // Printed once, on the very first start, straight to stdout (never through the logger).
    process.stdout.write(
      `\nCreated workspace "${first.workspace.name}" with an admin API key (shown only this once):\n\n  ${first.secret}\n\n` +
        `Use it as: Authorization: Bearer ${first.secret}\n\n`,
    );
  }

  // The server folds what stopped processes left unfolded at start, then every FOLD_SWEEP_MS.
  const { app } = await buildServer({ config, database });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      await app.close();
      await database.close();
      await tracing?.shutdown();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  if (config.graphqlIde) await warmPages(app, ['/views', '/graphql']);
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`GraphQL API and IDE at ${config.publicUrl}/graphql (database: ${database.kind}${tracing ? ', traces: OTLP' : ''})`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`Cannot start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
