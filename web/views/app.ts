// The views page (GET /views): a frontend client of this API, bundled and served by the server
// itself (no CDN). It runs the typed `ViewsPage` operation (codegen client preset, ./gql) with the
// key from the same API-key box as the GraphQL IDE (../shared/api-key-box), and renders each unlocked view as a chart or
// a table and each locked one with what would unlock it. Text goes in through textContent only.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { apiKeyBox, postGraphQL } from '../shared/api-key-box';
import { type TypedDocumentString, type ValueFormat, ViewsPageDocument, type ViewsPageQuery } from './gql/graphql';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

type View = ViewsPageQuery['views'][number];
type Preview = NonNullable<View['preview']>;
type Cell = Preview['rows'][number]['cells'][number];

// The page lives at …/views; the API is its sibling …/graphql (also behind a path prefix).
const ENDPOINT = new URL('graphql', window.location.href).pathname;

const main = document.getElementById('views') as HTMLElement;
const box = apiKeyBox(() => void load());

async function execute<TResult, TVariables>(
  key: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
): Promise<TResult> {
  const response = await postGraphQL(ENDPOINT, key, { query: document.toString(), variables: variables ?? {} });
  const body = (await response.json()) as { data?: TResult; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  if (!body.data) throw new Error(`HTTP ${response.status}`);
  return body.data;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Text with `code` spans (field and event names in reasons and hints), safely. */
function rich(tag: 'p' | 'li', className: string, text: string): HTMLElement {
  const node = el(tag, className);
  text.split('`').forEach((part, i) => {
    node.append(i % 2 ? el('code', undefined, part) : document.createTextNode(part));
  });
  return node;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function format(value: Cell, kind: ValueFormat): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return kind === 'DATE' ? String(value).slice(0, 10) : String(value);
  switch (kind) {
    case 'INTEGER':
      return integer.format(value);
    case 'PERCENT':
      return `${integer.format(value * 100)}%`;
    case 'CHANGE': {
      const change = Math.round((value - 1) * 100);
      return `${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(change)}%`;
    }
    case 'CURRENCY':
      return integer.format(value);
    case 'DAYS':
      return `${integer.format(value)} d`;
    default:
      return decimal.format(value);
  }
}

const numeric = (v: Cell): number => (typeof v === 'number' ? v : 0);
const COLORS = ['#3b6fd8', '#27a17a', '#e0913a', '#9a5bd1', '#d9534f'];

/** A bar or line chart of the first numeric column, labelled by the first text column (or the row's ID). */
function chart(view: View, preview: Preview): HTMLElement | null {
  const valueIndex = preview.columns.findIndex((c, i) => i > 0 && c.format !== 'TEXT' && c.format !== 'DATE');
  if (valueIndex < 0 || preview.rows.length === 0) return null;
  const column = preview.columns[valueIndex]!;
  const labels = preview.rows.map((r) => format(r.cells[0] ?? r.id ?? '', preview.columns[0]?.format ?? 'TEXT') || (r.id ?? ''));
  const scale = column.format === 'PERCENT' || column.format === 'CHANGE' ? 100 : 1;
  const data = preview.rows.map((r) => numeric(r.cells[valueIndex] ?? null) * scale);
  const box = el('div', 'chart');
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${view.title}: ${column.label}`);
  box.append(canvas);
  const series = view.kind === 'SERIES';
  new Chart(canvas, {
    type: series ? 'line' : 'bar',
    data: {
      labels,
      datasets: [
        { label: column.label + (scale === 100 ? ' (%)' : ''), data, backgroundColor: COLORS[0], borderColor: COLORS[0], tension: 0.25 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: series ? 'x' : 'y',
      plugins: { legend: { display: false }, tooltip: { enabled: true } },
      scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
    },
  });
  return box;
}

function table(preview: Preview): HTMLElement {
  const node = el('table', 'preview');
  const head = el('tr');
  for (const c of preview.columns) head.append(el('th', c.format === 'TEXT' || c.format === 'DATE' ? '' : 'num', c.label));
  node.append(el('thead'), el('tbody'));
  node.tHead?.append(head);
  for (const row of preview.rows) {
    const tr = el('tr');
    row.cells.forEach((cell, i) => {
      const column = preview.columns[i];
      const text = i === 0 && (cell === null || cell === undefined) && row.id ? row.id : format(cell ?? null, column?.format ?? 'TEXT');
      tr.append(el('td', column && column.format !== 'TEXT' && column.format !== 'DATE' ? 'num' : '', text));
    });
    node.tBodies[0]?.append(tr);
  }
  return node;
}

function card(view: View): HTMLElement {
  const node = el('article', view.locked ? 'view locked' : 'view');
  node.dataset.viewId = view.id;
  const header = el('header');
  header.append(
    el('h2', undefined, view.title),
    el('span', `badge ${view.kind.toLowerCase()}`, view.locked ? 'Locked' : view.kind.toLowerCase()),
  );
  node.append(header, rich('p', 'description', view.description));
  if (view.locked) {
    node.append(el('p', 'unlock-title', 'To unlock this view:'));
    const list = el('ul', 'unlock');
    for (const hint of view.unlock) list.append(rich('li', 'hint', hint));
    node.append(list);
    return node;
  }
  const preview = view.preview;
  if (preview) {
    if (preview.rows.length === 0) node.append(el('p', 'empty', 'Nothing matches right now.'));
    else {
      if (view.kind !== 'SEGMENT') {
        const drawn = chart(view, preview);
        if (drawn) node.append(drawn);
      }
      if (view.kind !== 'SERIES') node.append(table(preview));
    }
    if (preview.totalCount !== null && preview.totalCount !== undefined && view.kind !== 'SERIES') {
      node.append(
        el(
          'p',
          'total',
          `${integer.format(preview.totalCount)} in all${preview.totalCount > preview.rows.length ? `; the first ${preview.rows.length} shown` : ''}.`,
        ),
      );
    }
  }
  if (view.reason) node.append(rich('p', 'reason', `Why: ${view.reason}`));
  if (view.operation) {
    const details = el('details', 'operation');
    details.append(el('summary', undefined, `GraphQL: ${view.operation.operationName}`));
    details.append(el('pre', undefined, view.operation.query), el('pre', undefined, JSON.stringify(view.operation.variables, null, 2)));
    node.append(details);
  }
  return node;
}

async function load(): Promise<void> {
  main.replaceChildren();
  const apiKey = box.key();
  if (!apiKey) {
    box.setStatus('Paste an API key (READ scope) to see the views of its workspace.', 'none');
    return;
  }
  box.setStatus('Loading views…', 'pending');
  try {
    const data = await execute(apiKey, ViewsPageDocument);
    const unlocked = data.views.filter((v) => !v.locked);
    box.setStatus(`Workspace "${data.viewer.workspace.name}" · ${unlocked.length} of ${data.views.length} views unlocked`, 'ok');
    const grid = el('section', 'grid');
    for (const view of [...unlocked, ...data.views.filter((v) => v.locked)]) grid.append(card(view));
    main.append(grid);
  } catch (error) {
    box.setStatus(`Could not load the views: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

void load();
