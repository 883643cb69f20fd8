import type { FastifyRequest } from 'fastify';

/** Browsers navigating to /graphql get the IDE; API clients (Accept: application/json) get GraphQL. */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !(request.query as Record<string, unknown> | undefined)?.query;
}

export function renderIdePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphQL API</title></head>
<body><h1>GraphQL API</h1><p>POST GraphQL requests to this URL with <code>Authorization: Bearer &lt;key&gt;</code>.</p></body></html>`;
}
