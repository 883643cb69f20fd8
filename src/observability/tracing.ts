import type { ApolloServerPlugin } from '@apollo/server';
import {
  type Context as ActiveContext,
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.ts';
import {
  droppedSpans,
  FRAME,
  type Frame,
  type OperationTrace,
  SERVICE_NAME,
  setTracingEnabled,
  skippedTraces,
  tracer,
  tracingEnabled,
} from '../db/spans.ts';
import { requestOf } from './request.ts';

// OpenTelemetry traces, off unless the operator configures them with the standard variables
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SERVICE_NAME,
// OTEL_TRACES_SAMPLER, OTEL_BSP_*, …). One trace per request:
//
//   POST /graphql                     HTTP server span: route, status, workspace.id, ingested record counts, Hightouch method
//   └─ query AccountPage              GraphQL operation: name, type, estimated cost
//      └─ Query.accounts              a resolver that did I/O (returned a promise); nested by GraphQL path
//         ├─ SELECT                   each SQL statement: its text with $n placeholders (never values), rows
//         └─ Account.users
//            └─ SELECT
//
// Attributes carry identifiers (workspace id, operation and field names, route templates), never a
// key, a header or a record value. Spans are exported in batches from a bounded queue: when the
// collector is slow or down, a request never waits for it; what cannot be queued or sent is
// dropped and counted (`otel_spans_dropped_total` in /metrics).

export interface Tracing {
  /** Whether the collector answered the probe sent at start (requests are traced once it has). */
  ready: Promise<boolean>;
  /** Export what is queued now (tests; bounded by the exporter's timeout). */
  flush(): Promise<void>;
  /** Flush what is queued (bounded by the exporter's timeout) and stop. */
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** Whether the environment asks for traces: an OTLP endpoint, or `OTEL_TRACES_EXPORTER=otlp`; never with `OTEL_SDK_DISABLED=true`. */
export function tracingRequested(env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.toLowerCase();
  if (exporter === 'none') return false;
  return exporter === 'otlp' || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Start tracing when the environment asks for it (see tracingRequested), or always with an explicit
 * `exporter` (tests pass the SDK's in-memory one). Once per process: traces are process-wide. The
 * SDK is loaded only then: a server without tracing does not pay for loading it.
 */
export async function startTracing(options: { env?: Env; exporter?: SpanExporter; now?: () => number } = {}): Promise<Tracing | undefined> {
  const env = options.env ?? process.env;
  if (!options.exporter && !tracingRequested(env)) return undefined;
  const [
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { detectResources, envDetector, resourceFromAttributes },
    sdk,
  ] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  // The OTLP exporter reads OTEL_EXPORTER_OTLP_* itself (endpoint, headers, timeout, compression).
  const exporter = countFailures(options.exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter());
  const maxQueueSize = Number(env.OTEL_BSP_MAX_QUEUE_SIZE) || 2048;
  const processor = new sdk.BatchSpanProcessor(exporter.exporter, { maxQueueSize });
  const provider = new sdk.BasicTracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the sampler comes from OTEL_TRACES_SAMPLER.
    resource: resourceFromAttributes({ 'service.name': SERVICE_NAME }).merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [countQueueOverflow(processor, exporter, maxQueueSize)],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const ready = collector.reset(options.now ?? Date.now, exporter.probe);
  setTracingEnabled(true);
  return {
    ready,
    flush: () => provider.forceFlush(),
    async shutdown() {
      setTracingEnabled(false);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

// ExportResultCode.SUCCESS of @opentelemetry/core (a const enum there).
const EXPORT_SUCCESS = 0;

/**
 * The collector's state as the exports found it. After an export fails, new requests are not traced:
 * while the collector is unreachable, recording and serializing spans that cannot be delivered
 * would only slow requests down. After a pause (5 s, doubling with each failure up to 5 min) the
 * next request sends an empty export as a probe, itself still untraced; once a probe succeeds,
 * requests are traced again. Tracing starts the same way, with a probe sent at start. Requests not
 * traced are counted (`otel_traces_skipped_total`).
 */
const collector = {
  now: Date.now as () => number,
  probe: null as ((done: (ok: boolean) => void) => void) | null,
  probing: false,
  backoffMs: 0,
  pausedUntil: 0,
  /** Start over, paused until a first probe (sent now) answers; resolves with its answer. */
  reset(now: () => number, probe: (done: (ok: boolean) => void) => void): Promise<boolean> {
    this.now = now;
    this.probe = probe;
    this.probing = false;
    this.backoffMs = 0;
    this.pausedUntil = Math.max(1, now());
    return new Promise((resolve) => this.sendProbe(resolve));
  },
  sendProbe(answered?: (ok: boolean) => void) {
    this.probing = true;
    this.probe?.((ok) => {
      this.probing = false;
      if (ok) this.succeeded();
      else this.failed();
      answered?.(ok);
    });
  },
  failed() {
    this.backoffMs = Math.min(Math.max(this.backoffMs * 2, COLLECTOR_PAUSE_MS.first), COLLECTOR_PAUSE_MS.max);
    this.pausedUntil = this.now() + this.backoffMs;
  },
  succeeded() {
    this.backoffMs = 0;
    this.pausedUntil = 0;
  },
  /** Whether a new request is traced (counted when not; the first after a pause probes the collector). */
  tracing(): boolean {
    if (!tracingEnabled()) return false;
    if (this.pausedUntil === 0) return true;
    if (!this.probing && this.now() >= this.pausedUntil) {
      this.sendProbe();
      // An exporter that answers at once (in-process) may have answered already.
      if (this.pausedUntil === 0) return true;
    }
    skippedTraces.collector_down++;
    return false;
  },
};
const COLLECTOR_PAUSE_MS = { first: 5_000, max: 300_000 };

/** Counts spans of exports that failed; `queued` = spans handed to the processor and not yet to the exporter. */
function countFailures(inner: SpanExporter) {
  const state = { queued: 0 };
  const exporter: SpanExporter = {
    export(spans, done) {
      state.queued = Math.max(0, state.queued - spans.length);
      inner.export(spans, (result) => {
        if (result.code !== EXPORT_SUCCESS) {
          droppedSpans.export_failed += spans.length;
          collector.failed();
        } else collector.succeeded();
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
  /** An export of no spans: whether the collector answers. */
  const probe = (done: (ok: boolean) => void) => inner.export([], (result) => done(result.code === EXPORT_SUCCESS));
  return { exporter, state, probe };
}

/** The batch processor drops a span when its queue is full: count it the same way it decides. */
function countQueueOverflow(inner: SpanProcessor, exporter: { state: { queued: number } }, maxQueueSize: number): SpanProcessor {
  return {
    onStart: (span, parent) => inner.onStart(span, parent),
    onEnd(span) {
      if (span.spanContext().traceFlags & TraceFlags.SAMPLED) {
        if (exporter.state.queued >= maxQueueSize) droppedSpans.queue_full++;
        else exporter.state.queued++;
      }
      inner.onEnd(span);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP: one server span per request, from Fastify's hooks.

const httpSpans = new WeakMap<FastifyRequest, Span>();
const RPC_METHODS_KEPT = 20;

/**
 * The HTTP server span of each request (call before declaring routes). No-op unless tracing is on.
 * `pathOf` is the request's path as it may be recorded (keys redacted: src/observability/http.ts).
 */
export function registerHttpTracing(app: FastifyInstance, pathOf: (request: FastifyRequest) => string): void {
  if (!tracingEnabled()) return;
  app.addHook('onRequest', async (request) => {
    if (!collector.tracing()) return;
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer().startSpan(
      request.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': pathOf(request) } },
      parent,
    );
    httpSpans.set(request, span);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = httpSpans.get(request);
    if (!span) return;
    const route = request.routeOptions.url;
    if (route) span.updateName(`${request.method} ${route}`);
    span.setAttributes({
      'http.route': route ?? 'unmatched',
      'http.response.status_code': reply.statusCode,
      ...requestAttributes(request),
    });
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    httpSpans.delete(request);
  });
  // A client that goes away before the answer: no onResponse, so the span ends here.
  app.addHook('onRequestAbort', async (request) => {
    const span = httpSpans.get(request);
    if (!span) return;
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
    span.end();
    httpSpans.delete(request);
  });
}

/** What the request's log line already says that a trace needs: who, which operation, how many records. */
function requestAttributes(request: FastifyRequest): Attributes {
  const fields = request.logFields ?? {};
  const attributes: Attributes = {};
  if (fields.workspaceId) attributes['workspace.id'] = fields.workspaceId;
  if (fields.operation) attributes['graphql.operation.name'] = fields.operation;
  for (const [object, counts] of Object.entries(fields.records ?? {})) {
    for (const [status, n] of Object.entries(counts)) attributes[`ingest.records.${object}.${status}`] = n;
  }
  // The Hightouch adapter: the REST object and mode from the route, the JSON-RPC methods from the body.
  if (request.routeOptions.url?.startsWith('/hightouch/')) {
    const params = (request.params ?? {}) as { object?: unknown; mode?: unknown };
    if (typeof params.object === 'string') attributes['hightouch.object'] = params.object;
    if (typeof params.mode === 'string') attributes['hightouch.method'] = params.mode;
    const calls: unknown[] = Array.isArray(request.body) ? request.body : [request.body];
    const methods = calls
      .map((call) => (call as { method?: unknown } | null)?.method)
      .filter((method): method is string => typeof method === 'string' && /^[\w.:-]{1,64}$/.test(method));
    if (methods.length > 0) attributes['hightouch.method'] = [...new Set(methods)].slice(0, RPC_METHODS_KEPT).join(',');
  }
  return attributes;
}

// ---------------------------------------------------------------------------------------------
// GraphQL: the operation span (an Apollo plugin) and the resolver spans (a wrapper of the resolver map).

// Keyed by the context object the resolvers receive (Apollo's per-operation copy).
const operations = new WeakMap<object, OperationTrace>();

/** A span per GraphQL operation, under the request's HTTP span: name, type, estimated cost, workspace. */
export function tracingPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      // Traced only under a traced HTTP request (not while the collector is down: see `collector`).
      const request = requestOf(contextValue);
      if (!tracingEnabled() || !request || !httpSpans.has(request)) return;
      return {
        async executionDidStart({ contextValue, operation, operationName }) {
          const http = httpSpans.get(request);
          const type = operation.operation;
          const name = operationName ?? 'anonymous';
          const cost = request?.logFields.cost;
          const span = tracer().startSpan(
            `${type} ${name}`,
            {
              attributes: {
                'graphql.operation.type': type,
                'graphql.operation.name': name,
                'workspace.id': contextValue.principal.workspace.id,
                ...(typeof cost === 'number' ? { 'graphql.operation.cost': cost } : {}),
              },
            },
            http ? trace.setSpan(context.active(), http) : context.active(),
          );
          operations.set(contextValue, { span, byPath: new Map() });
        },
        async willSendResponse({ contextValue, errors }) {
          const traced = operations.get(contextValue);
          if (!traced) return;
          if (errors?.length)
            traced.span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.extensions?.code as string | undefined });
          traced.span.end();
          operations.delete(contextValue);
        },
      };
    },
  };
}

function pathOf(info: GraphQLResolveInfo): string[] {
  const keys: string[] = [];
  for (let at: GraphQLResolveInfo['path'] | undefined = info.path; at; at = at.prev) keys.unshift(String(at.key));
  return keys;
}

/** The span of a resolver that did I/O, under the nearest enclosing field whose resolver did, else the operation. */
function startResolverSpan(operation: OperationTrace, info: GraphQLResolveInfo, active: ActiveContext, startTime: number): Span {
  const keys = pathOf(info);
  let parent = operation.span;
  for (let n = keys.length - 1; n > 0; n--) {
    const found = operation.byPath.get(keys.slice(0, n).join('.'));
    if (found) {
      parent = found;
      break;
    }
  }
  const path = keys.join('.');
  const span = tracer().startSpan(
    `${info.parentType.name}.${info.fieldName}`,
    {
      attributes: { 'graphql.field.name': info.fieldName, 'graphql.field.type': info.parentType.name, 'graphql.field.path': path },
      startTime,
    },
    trace.setSpan(active, parent),
  );
  operation.byPath.set(path, span);
  return span;
}

function traced(resolve: GraphQLFieldResolver<unknown, Context>): GraphQLFieldResolver<unknown, Context> {
  return (source, args, ctx, info) => {
    const operation = tracingEnabled() ? operations.get(ctx) : undefined;
    if (!operation) return resolve(source, args, ctx, info);
    const active = context.active();
    const startTime = performance.timeOrigin + performance.now();
    const frame: Frame = { start: () => startResolverSpan(operation, info, active, startTime) };
    const result = context.with(active.setValue(FRAME, frame), () => resolve(source, args, ctx, info));
    if (!(result instanceof Promise)) {
      frame.span?.end();
      return result;
    }
    // A span only for a resolver that ran a statement (its own, or the batch its DataLoader load
    // started): the 50 `Account.users` of a page that wait for one batched load make one span, not 50.
    return result.then(
      (value) => {
        frame.span?.end();
        return value;
      },
      (error: unknown) => {
        frame.span?.setStatus({ code: SpanStatusCode.ERROR });
        frame.span?.end();
        throw error;
      },
    );
  };
}

type ResolverMap = Record<string, unknown>;

/** Wrap every field resolver of the map (not scalars, not `__resolveType`) so that its I/O is traced. */
export function traceResolvers<T extends object>(resolvers: T): T {
  const out: Record<string, unknown> = {};
  for (const [type, fields] of Object.entries(resolvers as Record<string, unknown>)) {
    if (typeof fields !== 'object' || fields === null || fields.constructor !== Object) {
      out[type] = fields;
      continue;
    }
    out[type] = Object.fromEntries(
      Object.entries(fields as ResolverMap).map(([field, resolve]) => [
        field,
        typeof resolve === 'function' && !field.startsWith('__') ? traced(resolve as GraphQLFieldResolver<unknown, Context>) : resolve,
      ]),
    );
  }
  return out as T;
}
