import { context, createContextKey, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

// The span machinery the database layer shares with src/observability/tracing.ts (which sets up the
// SDK, the HTTP and the GraphQL spans): kept apart so that src/db imports nothing above it.

export const SERVICE_NAME = 'correlated-ingest';
export const tracer = () => trace.getTracer(SERVICE_NAME);
let enabled = false;
export const tracingEnabled = () => enabled;
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}
/** Spans dropped since start, by reason: the export queue was full, or the collector refused or could not be reached. */
export const droppedSpans = { queue_full: 0, export_failed: 0 };
/** Requests not traced since start because the last export had failed (src/observability/tracing.ts, `collector`). */
export const skippedTraces = { collector_down: 0 };

export interface OperationTrace {
  span: Span;
  /** Spans of the resolvers that did I/O, by response path (`accounts`, `accounts.nodes.0.users`). */
  byPath: Map<string, Span>;
}

/**
 * A resolver's span, started only when something needs it (a statement it runs): `start` works out
 * its name, attributes and parent then, so a resolver that does no I/O costs a closure, not a span.
 */
export interface Frame {
  start: () => Span;
  span?: Span;
}
export const FRAME = createContextKey('correlated-ingest resolver frame');

export function frameSpan(frame: Frame): Span {
  frame.span ??= frame.start();
  return frame.span;
}

// ---------------------------------------------------------------------------------------------
// SQL: a span per statement, from the database layer (src/db/client.ts).

/**
 * Run a statement under its own span when a request is being traced (statements of start-up and
 * background jobs have no parent and are not traced). `text` has $n placeholders, never values.
 */
export function traceStatement<T>(text: string, run: () => Promise<T>, rowCount: (result: T) => number | undefined): Promise<T> {
  if (!enabled) return run();
  const active = context.active();
  const frame = active.getValue(FRAME) as Frame | undefined;
  const parent = frame ? trace.setSpan(active, frameSpan(frame)) : active;
  if (!trace.getSpan(parent)) return run();
  const keyword = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  const span = tracer().startSpan(
    keyword,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.operation.name': keyword, 'db.query.text': text.slice(0, 4096) },
    },
    parent,
  );
  return endWhenSettled(span, context.with(trace.setSpan(parent, span), run), (result) => {
    const rows = rowCount(result);
    if (rows !== undefined) span.setAttribute('db.response.returned_rows', rows);
  });
}

/** End `span` when `work` settles (marked as an error if it fails); `onValue` may add attributes first. */
export function endWhenSettled<T>(span: Span, work: Promise<T>, onValue?: (value: T) => void): Promise<T> {
  return work.then(
    (value) => {
      onValue?.(value);
      span.end();
      return value;
    },
    (error: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    },
  );
}
