// Bootstrap of the GraphQL IDE page (served as a file so the page's CSP can forbid inline scripts).
// Globals from the UMD builds loaded before it: React, ReactDOM, GraphiQL.
(() => {
  const STORAGE_KEY = 'correlated:graphql-ide:api-key';
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

  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  const remember = document.getElementById('remember');
  const forget = document.getElementById('forget');
  const status = document.getElementById('key-status');

  const storage = {
    read() {
      try {
        return window.localStorage.getItem(STORAGE_KEY) || '';
      } catch {
        return '';
      }
    },
    write(value) {
      try {
        if (value) window.localStorage.setItem(STORAGE_KEY, value);
        else window.localStorage.removeItem(STORAGE_KEY);
      } catch {
        // Storage disabled (private mode): the key simply is not remembered.
      }
    },
  };

  let apiKey = storage.read();
  input.value = apiKey;
  remember.checked = apiKey !== '';

  const setStatus = (text, state) => {
    status.textContent = text;
    status.dataset.state = state;
  };

  const noKeyFetcher = async () => ({
    errors: [{ message: 'Paste an API key in the field above and press "Use key".', extensions: { code: 'UNAUTHENTICATED' } }],
  });

  // A new fetcher per key: GraphiQL refetches the schema whenever its fetcher changes.
  const fetcherFor = (key) =>
    key ? window.GraphiQL.createFetcher({ url: endpoint, headers: { Authorization: `Bearer ${key}` } }) : noKeyFetcher;

  const root = window.ReactDOM.createRoot(document.getElementById('graphiql'));
  const render = () => {
    root.render(
      window.React.createElement(window.GraphiQL, {
        key: generation,
        fetcher: fetcherFor(apiKey),
        defaultQuery,
        shouldPersistHeaders: false,
      }),
    );
  };

  const checkKey = async () => {
    if (!apiKey) {
      setStatus('Paste an API key to load the schema and run operations.', 'none');
      return;
    }
    setStatus('Checking key…', 'pending');
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: 'query IdeViewer { viewer { workspace { name } scopes } }', operationName: 'IdeViewer' }),
      });
      const body = await response.json();
      const viewer = body?.data?.viewer;
      if (viewer) {
        setStatus(`Workspace "${viewer.workspace.name}" · scopes ${viewer.scopes.join(', ')}`, 'ok');
        if (viewer.scopes.includes('READ') || viewer.scopes.includes('ADMIN')) void openViewsWhenPopulated(apiKey);
      } else {
        setStatus(`Key refused: ${body?.errors?.[0]?.message ?? `HTTP ${response.status}`}`, 'error');
      }
    } catch (error) {
      setStatus(`Could not reach the API: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  };

  // Asks whether any view has data. A 429 (the workspace's concurrent-read limit), a 5xx or a
  // network failure is retried after its Retry-After (1 s by default, at most 10 s), up to five
  // attempts in all, so a busy first load still opens on the views. The IDE works without it.
  const openViewsWhenPopulated = async (key) => {
    let retryAfterSeconds = 1;
    for (let attempt = 1; attempt <= 5 && key === apiKey; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds * 1000));
      retryAfterSeconds = 1;
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: 'query IdeViews { views { locked } }', operationName: 'IdeViews' }),
        });
        if (response.status !== 429 && response.status < 500) {
          const body = await response.json();
          if (key === apiKey && (body?.data?.views ?? []).some((view) => !view.locked)) showViews();
          return;
        }
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header > 0) retryAfterSeconds = Math.min(header, 10);
      } catch {
        // Network failure: the next attempt waits the default second.
      }
    }
  };

  // The workspace has data: a first-time IDE (its only tab still the untouched default) opens on
  // the views query. A tab the user edited is never replaced.
  const showViews = () => {
    if (defaultQuery === VIEWS_QUERY) return;
    let stored = null;
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
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apiKey = input.value.trim();
    storage.write(remember.checked ? apiKey : '');
    render();
    void checkKey();
  });
  remember.addEventListener('change', () => storage.write(remember.checked ? apiKey : ''));
  forget.addEventListener('click', () => {
    apiKey = '';
    input.value = '';
    remember.checked = false;
    storage.write('');
    render();
    void checkKey();
  });

  render();
  void checkKey();
})();
