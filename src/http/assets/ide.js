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
        fetcher: fetcherFor(apiKey),
        defaultQuery: DEFAULT_QUERY,
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
      } else {
        setStatus(`Key refused: ${body?.errors?.[0]?.message ?? `HTTP ${response.status}`}`, 'error');
      }
    } catch (error) {
      setStatus(`Could not reach the API: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
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
