/** The load generator's HTTP calls (Node's fetch: keep-alive connections, one per concurrent sender). */

export interface Timed<T> {
  ms: number;
  status: number;
  body: T;
}

/**
 * POST a ready-made JSON body and time the round trip up to the last byte of the response.
 * The body is serialized by the caller before the clock starts; the response is parsed after.
 */
export async function postJson<T>(url: string, key: string, body: string): Promise<Timed<T>> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { ms, status: response.status, body: parsed as T };
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** The first GraphQL error as one line, or null. */
export function graphQLError(body: GraphQLBody<unknown>, status: number): string | null {
  const error = body.errors?.[0];
  if (error) return `${error.extensions?.code ?? 'ERROR'}: ${error.message}`;
  if (status !== 200) return `HTTP ${status}`;
  return null;
}
