// Bootstrap of the GraphQL IDE page (GET /graphql for browsers), bundled by esbuild like the views
// page and served as a file so the page's CSP can forbid inline scripts. GraphiQL and React are
// the UMD builds the page loads before this script (globals), served by this server too.
import { apiKeyBox, postGraphQL } from '../shared/api-key-box';

// The few members of the UMD globals this script uses.
type Fetcher = (...args: never[]) => unknown;
interface GraphiQLProps {
  key: number;
  fetcher: Fetcher;
  defaultQuery: string;
  shouldPersistHeaders: boolean;
}
declare global {
  interface Window {
    React: { createElement(type: unknown, props: GraphiQLProps): unknown };
    ReactDOM: { createRoot(container: HTMLElement): { render(element: unknown): void } };
    GraphiQL: { createFetcher(options: { url: string; headers: Record<string, string> }): Fetcher };
  }
}

const DEFAULT_QUERY = `# Paste an API key above, then run this operation (Ctrl-Enter).
# The Docs button (top left) lists every type and field once the key is accepted.
query Viewer {
  viewer {
    workspace {
      name
    }
    scopes
  }
}
`;
// Once the workspace has data, a fresh IDE opens on the ready-made views instead (see checkKey).
const VIEWS_QUERY = `# Ready-made views of this workspace, from what its
# fields and events mean. Each unlocked view carries the
# operation that produces it: paste operation.query (and
# operation.variables) into a new tab. As charts: /views
query Views {
  views {
    id
    title
    kind
    locked
    reason
    unlock
    preview {
      columns { label }
      rows { cells }
      totalCount
    }
    operation { operationName query variables }
  }
}
`;
let defaultQuery = DEFAULT_QUERY;
let generation = 0;
// The page is served by the GraphQL endpoint itself (content negotiation), so its URL is the endpoint.
const endpoint = window.location.pathname;

const box = apiKeyBox(() => {
  render();
  void checkKey();
});

const noKeyFetcher = async () => ({
  errors: [{ message: 'Paste an API key in the field above and press "Use key".', extensions: { code: 'UNAUTHENTICATED' } }],
});

// A new fetcher per key: GraphiQL refetches the schema whenever its fetcher changes.
const fetcherFor = (key: string): Fetcher =>
  key ? window.GraphiQL.createFetcher({ url: endpoint, headers: { Authorization: `Bearer ${key}` } }) : noKeyFetcher;

const root = window.ReactDOM.createRoot(document.getElementById('graphiql') as HTMLElement);
function render(): void {
  root.render(
    window.React.createElement(window.GraphiQL, {
      key: generation,
      fetcher: fetcherFor(box.key()),
      defaultQuery,
      shouldPersistHeaders: false,
    }),
  );
}

interface ViewerResponse {
  data?: { viewer?: { workspace: { name: string }; scopes: string[] } };
  errors?: Array<{ message: string }>;
}

async function checkKey(): Promise<void> {
  const apiKey = box.key();
  if (!apiKey) {
    box.setStatus('Paste an API key to load the schema and run operations.', 'none');
    return;
  }
  box.setStatus('Checking key…', 'pending');
  try {
    const response = await postGraphQL(endpoint, apiKey, {
      query: 'query IdeViewer { viewer { workspace { name } scopes } }',
      operationName: 'IdeViewer',
    });
    const body = (await response.json()) as ViewerResponse | null;
    const viewer = body?.data?.viewer;
    if (viewer) {
      box.setStatus(`Workspace "${viewer.workspace.name}" · scopes ${viewer.scopes.join(', ')}`, 'ok');
      if (viewer.scopes.includes('READ') || viewer.scopes.includes('ADMIN')) void openViewsWhenPopulated(apiKey);
    } else {
      box.setStatus(`Key refused: ${body?.errors?.[0]?.message ?? `HTTP ${response.status}`}`, 'error');
    }
  } catch (error) {
    box.setStatus(`Could not reach the API: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

// Asks whether any view has data. A 429 (the workspace's concurrent-read limit), a 5xx or a
// network failure is retried after its Retry-After (1 s by default, at most 10 s), up to five
// attempts in all, so a busy first load still opens on the views. The IDE works without it.
async function openViewsWhenPopulated(key: string): Promise<void> {
  let retryAfterSeconds = 1;
  for (let attempt = 1; attempt <= 5 && key === box.key(); attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds * 1000));
    retryAfterSeconds = 1;
    try {
      const response = await postGraphQL(endpoint, key, { query: 'query IdeViews { views { locked } }', operationName: 'IdeViews' });
      if (response.status !== 429 && response.status < 500) {
        const body = (await response.json()) as { data?: { views?: Array<{ locked: boolean }> } } | null;
        if (key === box.key() && (body?.data?.views ?? []).some((view) => !view.locked)) showViews();
        return;
      }
      const header = Number(response.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfterSeconds = Math.min(header, 10);
    } catch {
      // Network failure: the next attempt waits the default second.
    }
  }
}

// The workspace has data: a first-time IDE (its only tab still the untouched default) opens on
// the views query. A tab the user edited is never replaced.
function showViews(): void {
  if (defaultQuery === VIEWS_QUERY) return;
  let stored: string | null = null;
  try {
    stored = window.localStorage.getItem('graphiql:query');
  } catch {
    // No storage: GraphiQL keeps nothing either.
  }
  if (stored !== null && stored !== DEFAULT_QUERY) return;
  try {
    window.localStorage.removeItem('graphiql:tabState');
    window.localStorage.removeItem('graphiql:query');
  } catch {
    // Nothing stored.
  }
  defaultQuery = VIEWS_QUERY;
  generation += 1;
  render();
}

render();
void checkKey();
