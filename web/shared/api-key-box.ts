// The API-key box of the GraphQL IDE and the views page (its HTML is `keyBar` in src/http/ide.ts):
// the key is kept in memory, and in localStorage only when "Remember on this device" is ticked.
// Both pages share the stored key: one remembered on either is used by the other.

const STORAGE_KEY = 'correlated:graphql-ide:api-key';

const storage = {
  read(): string {
    try {
      return window.localStorage.getItem(STORAGE_KEY) ?? '';
    } catch {
      return '';
    }
  },
  write(value: string): void {
    try {
      if (value) window.localStorage.setItem(STORAGE_KEY, value);
      else window.localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage disabled (private mode): the key is simply not remembered.
    }
  },
};

export interface ApiKeyBox {
  /** The key in use ('' before one is entered or after "Forget"). */
  key(): string;
  /** The hint next to the field: `state` is `none`, `pending`, `ok` or `error` (styled by ide.css). */
  setStatus(text: string, state: 'none' | 'pending' | 'ok' | 'error'): void;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Wire the page's key box; `changed` runs when the user uses or forgets a key (not at start). */
export function apiKeyBox(changed: () => void): ApiKeyBox {
  const form = byId<HTMLFormElement>('key-form');
  const input = byId<HTMLInputElement>('api-key');
  const remember = byId<HTMLInputElement>('remember');
  const forget = byId<HTMLButtonElement>('forget');
  const status = byId<HTMLSpanElement>('key-status');

  let apiKey = storage.read();
  input.value = apiKey;
  remember.checked = apiKey !== '';

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apiKey = input.value.trim();
    storage.write(remember.checked ? apiKey : '');
    changed();
  });
  remember.addEventListener('change', () => storage.write(remember.checked ? apiKey : ''));
  forget.addEventListener('click', () => {
    apiKey = '';
    input.value = '';
    remember.checked = false;
    storage.write('');
    changed();
  });

  return {
    key: () => apiKey,
    setStatus(text, state) {
      status.textContent = text;
      status.dataset.state = state;
    },
  };
}

/** POST a GraphQL request to `endpoint` with the key as a bearer token. */
export function postGraphQL(endpoint: string, key: string, request: { query: string; operationName?: string; variables?: unknown }) {
  return fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(request),
  });
}
