import { type BenchSummary, type IngestPathResult, tracingRatio } from './result.ts';

/** A run's summary as Markdown tables (stdout). Pure. */

const PATH_LABEL: Record<IngestPathResult['mode'], string> = {
  rest: 'Hightouch REST adapter',
  graphql: 'GraphQL mutation',
  raw: 'raw statement (limit)',
};

const OBJECT_LABEL = { account: 'accounts', user: 'users', event: 'events' } as const;

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatMs(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

/** Escape what would break a table cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: readonly ('l' | 'r')[]): string {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n');
}

export function renderMarkdown(result: BenchSummary): string {
  const o = result.options;
  const m = result.machine;
  const out: string[] = [];
  out.push(`## ${result.backend === 'postgres' ? 'PostgreSQL' : 'PGlite'} — ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(
    `${m.database} · ${m.cpuModel} × ${m.cores} cores · ${m.memoryGb} GB · Node ${m.node} (NODE_ENV=${m.nodeEnv}) · ${m.os} · load ${m.loadAverage.toFixed(2)} at start` +
      ` · commit ${result.commit ?? 'unknown'}${o.tracing ? ' · tracing on (OTLP)' : ''}`,
  );
  out.push('');
  out.push(
    `Scale: ${formatNumber(o.accounts)} accounts, ${formatNumber(o.users)} users, ${formatNumber(o.events)} events over ${o.days} days ` +
      `(preset ${o.preset}, seed ${o.seed}); batches of ${o.batchSize}, ${o.concurrency} concurrent senders per path, ` +
      `paths interleaved round by round${o.pglite ? `; PGlite data in ${o.pglite === 'dir' ? 'a temp dir' : 'memory'}` : ''}. ` +
      `Run time ${formatNumber(result.durationSeconds)} s.`,
  );
  out.push('');

  out.push('### Ingestion');
  out.push('');
  const ingestRows: string[][] = [];
  for (const object of result.ingest) {
    for (const path of object.paths) {
      const ratio = path.mode === 'raw' ? '1.00' : formatNumber(object.ratio[path.mode] ?? null, 2);
      ingestRows.push([
        OBJECT_LABEL[object.object],
        PATH_LABEL[path.mode],
        formatNumber(path.records),
        formatNumber(path.recordsPerSecond),
        formatMs(path.latency.p50),
        formatMs(path.latency.p99),
        ratio,
        path.mode === 'raw' ? '–' : formatNumber(path.records > 0 ? (path.serverCpuMs / path.records) * 1000 : null),
        path.mode === 'raw' ? '–' : formatNumber(object.peakRssMb),
        formatNumber(path.rejected),
      ]);
    }
  }
  out.push(
    table(
      [
        'Object',
        'Path',
        'Records',
        'Records/s',
        'p50 batch ms',
        'p99 batch ms',
        '÷ raw',
        'Server CPU ms / 1k rec',
        'Server peak RSS MB',
        'Rejected',
      ],
      ingestRows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  const events = result.ingest.find((object) => object.fold);
  const fold = events?.fold;
  if (events && fold) {
    const unheld = events.paths.flatMap((p) =>
      p.unheld && p.mode !== 'raw'
        ? [
            `${PATH_LABEL[p.mode]} ${formatNumber(p.unheld.recordsPerSecond)} events/s over ${formatNumber(p.unheld.records)} events ` +
              `(${formatNumber(events.unheldRatio?.[p.mode] ?? null, 2)} of raw)`,
          ]
        : [],
    );
    if (unheld.length > 0) out.push(`Events acknowledged in the rounds where no call was held by backpressure: ${unheld.join('; ')}.`, '');
    out.push(
      `Events, acknowledged vs folded: REST and GraphQL acknowledge (Records/s above); folded, they sustain ` +
        `${formatNumber(fold.sustainedPerSecond)} events/s (${formatNumber(fold.sustainedRatio, 2)} of raw), counting until the last ` +
        `acknowledged event was folded. Largest tail ${formatNumber(fold.largestTail)} events (at the backpressure bound after ` +
        `${formatNumber(fold.roundsAtBound)} rounds); drained ${formatMs(fold.drainMs)} ms after the last acknowledgement.`,
    );
    out.push('');
  }
  const growth = result.rss.eventIngestGrowth;
  if (growth !== null && !Number.isNaN(growth)) {
    out.push(`Server RSS during event ingestion: last quarter vs second quarter ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%.`);
    out.push('');
  }

  const final = result.queries.at(-1);
  if (final) {
    out.push(`### Queries (${formatNumber(final.events)} events, ${final.historyDays} days of history)`);
    out.push('');
    out.push(
      table(
        ['Query', 'p50 ms', 'p95 ms', 'Runs', 'Statements', 'DB ms (EXPLAIN ANALYZE)'],
        final.queries.map((q) => [
          q.error ? `${q.label} (error: ${q.error})` : q.label,
          q.error ? 'error' : formatMs(q.latency.p50),
          q.error ? '–' : formatMs(q.latency.p95),
          formatNumber(q.latency.n),
          formatNumber(q.statements),
          formatMs(q.databaseMs),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    out.push('');
    if (result.nestedStatements.length > 0) {
      out.push(
        `Nested page statements by page size: ${result.nestedStatements.map((c) => `first: ${c.first} → ${c.statements}`).join(', ')}.`,
      );
      out.push('');
    }
  }

  if (result.queries.length > 1) {
    out.push('### Growth (p50 ms as history grows)');
    out.push('');
    const stages = result.queries;
    const ids = stages[0]?.queries.map((q) => q.id) ?? [];
    out.push(
      table(
        ['Query', ...stages.map((s) => `${formatNumber(s.events)} ev / ${s.historyDays} d`), 'Last ÷ first'],
        ids.map((id) => {
          const values = stages.map((s) => s.queries.find((q) => q.id === id));
          const first = values[0]?.latency.p50;
          const last = values.at(-1)?.latency.p50;
          return [
            values[0]?.label ?? id,
            ...values.map((q) => (q && !q.error ? formatMs(q.latency.p50) : '–')),
            first && last ? `${formatNumber(last / first, 2)}×` : '–',
          ];
        }),
        ['l', ...stages.map(() => 'r' as const), 'r'],
      ),
    );
    out.push('');
  }

  const during = result.duringIngestion;
  if (during) {
    out.push(
      `### Queries during ingestion (${formatNumber(during.sentPerSecond)} events/s sent, half the sustained rate; REST call p50 ${formatMs(during.ackLatency.p50)} ms)`,
    );
    out.push('');
    const idle = final?.queries ?? [];
    out.push(
      table(
        ['Query', 'Idle p50 ms', 'During p50 ms', 'During ÷ idle'],
        during.queries.map((q) => {
          const before = idle.find((i) => i.id === q.id && !i.error);
          return [
            q.error ? `${q.label} (error: ${q.error})` : q.label,
            before ? formatMs(before.latency.p50) : '–',
            q.error ? 'error' : formatMs(q.latency.p50),
            before && !q.error ? `${formatNumber(q.latency.p50 / before.latency.p50, 2)}×` : '–',
          ];
        }),
        ['l', 'r', 'r', 'r'],
      ),
    );
    out.push('');
  }

  const overhead = result.tracingOverhead;
  if (overhead) {
    out.push(`### Tracing overhead (traces exported to ${overhead.endpoint}, where nothing listens)`);
    out.push('');
    const rounds = (list: number[]) => list.map((n) => formatMs(n)).join(', ');
    out.push(
      table(
        ['Query', 'Off p50 ms, each round', 'On p50 ms, each round', 'On ÷ off'],
        overhead.queries.map((q) => {
          const ratio = tracingRatio(q);
          return [
            q.error ? `${q.label} (error: ${q.error})` : q.label,
            rounds(q.off),
            rounds(q.on),
            ratio === null ? '–' : `${formatNumber(ratio, 2)}×`,
          ];
        }),
        ['l', 'r', 'r', 'r'],
      ),
    );
    out.push('');
  }

  out.push('### Targets');
  out.push('');
  out.push(
    table(
      ['Target', 'Goal', 'Measured', 'Met', 'Note'],
      result.targets.map((t) => [t.name, t.goal, t.measured, t.met === null ? '–' : t.met ? 'yes' : 'no', t.note]),
    ),
  );
  out.push('');
  return out.join('\n');
}
