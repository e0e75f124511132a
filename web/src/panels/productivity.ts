/**
 * FCR rate, reopen rate and AHT by team (GET /v1/kpis/fcr and /v1/kpis/handle-time,
 * group_by=team), and per agent with each figure's sample size (group_by=agent): a sortable
 * table in which a figure from fewer than MIN_SAMPLE tickets or contacts is greyed out.
 */
import type { AhtRow, FcrRow, KpiAnswer } from '../lib/api.js';
import { byId, clear, h } from '../lib/dom.js';
import { aht, count, percent } from '../lib/format.js';
import { productivityRequests } from '../lib/requests.js';
import type { PanelContext } from './context.js';

/** Fewer tickets or contacts than this and a figure says little about a person or team. */
export const MIN_SAMPLE = 20;

interface Line {
  key: string;
  solved: number;
  fcr_rate: number | null;
  reopen_rate: number | null;
  contacts: number;
  aht_seconds: number | null;
}

type SortKey = keyof Line;
const sort: { key: SortKey; descending: boolean } = { key: 'contacts', descending: true };

function join(fcr: FcrRow[], handle: AhtRow[], by: 'team' | 'agent'): Line[] {
  const lines = new Map<string, Line>();
  const line = (key: string) => {
    let l = lines.get(key);
    if (!l) {
      l = { key, solved: 0, fcr_rate: null, reopen_rate: null, contacts: 0, aht_seconds: null };
      lines.set(key, l);
    }
    return l;
  };
  for (const r of fcr)
    Object.assign(line(r[by] ?? ''), {
      solved: r.solved,
      fcr_rate: r.fcr_rate,
      reopen_rate: r.reopen_rate,
    });
  for (const r of handle)
    Object.assign(line(r[by] ?? ''), { contacts: r.contacts, aht_seconds: r.aht_seconds });
  return [...lines.values()];
}

const COLUMNS: { key: SortKey; label: string; numeric: boolean }[] = [
  { key: 'key', label: '', numeric: false },
  { key: 'solved', label: 'Solved', numeric: true },
  { key: 'fcr_rate', label: 'FCR rate', numeric: true },
  { key: 'reopen_rate', label: 'Reopen rate', numeric: true },
  { key: 'contacts', label: 'Contacts', numeric: true },
  { key: 'aht_seconds', label: 'AHT', numeric: true },
];

function cells(l: Line, by: 'team' | 'agent'): HTMLElement[] {
  const small = (n: number) => (n < MIN_SAMPLE ? 'num small-sample' : 'num');
  const note = (n: number, what: string) => (n < MIN_SAMPLE ? `only ${n} ${what}` : undefined);
  return [
    h('th', { scope: 'row' }, l.key === '' ? '(none)' : l.key),
    h('td', { class: small(l.solved) }, count(l.solved)),
    h(
      'td',
      { class: small(l.solved), title: note(l.solved, 'solved tickets') },
      percent(l.fcr_rate),
    ),
    h(
      'td',
      { class: small(l.solved), title: note(l.solved, 'solved tickets') },
      percent(l.reopen_rate),
    ),
    h('td', { class: small(l.contacts) }, count(l.contacts)),
    h(
      'td',
      {
        class: small(l.contacts),
        title: note(l.contacts, 'contacts'),
        'data-figure': `${by}-aht`,
        [`data-${by}`]: l.key,
      },
      aht(l.aht_seconds),
    ),
  ];
}

function compare(a: Line, b: Line): number {
  const x = a[sort.key];
  const y = b[sort.key];
  if (x === y) return a.key.localeCompare(b.key);
  if (x === null) return 1;
  if (y === null) return -1;
  const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
  return sort.descending ? -order : order;
}

function agentTable(lines: Line[], rerender: () => void): HTMLElement {
  const head = COLUMNS.map((c) => {
    const active = sort.key === c.key;
    const button = h(
      'button',
      { type: 'button', class: 'sort', 'data-sort': c.key },
      c.key === 'key' ? 'Agent' : c.label,
      h('span', { 'aria-hidden': 'true' }, active ? (sort.descending ? ' ▼' : ' ▲') : ' ↕'),
    );
    button.addEventListener('click', () => {
      sort.descending = active ? !sort.descending : c.numeric;
      sort.key = c.key;
      rerender();
      byId('agent-table').querySelector<HTMLButtonElement>(`button[data-sort="${c.key}"]`)?.focus();
    });
    const ariaSort = active ? (sort.descending ? 'descending' : 'ascending') : undefined;
    return h(
      'th',
      { scope: 'col', 'aria-sort': ariaSort, class: c.numeric ? 'num' : undefined },
      button,
    );
  });
  return h(
    'table',
    { 'data-testid': 'agent-table' },
    h(
      'caption',
      {},
      `Per agent · figures from fewer than ${MIN_SAMPLE} tickets or contacts are greyed out`,
    ),
    h('thead', {}, h('tr', {}, head)),
    h(
      'tbody',
      {},
      [...lines].sort(compare).map((l) => h('tr', {}, cells(l, 'agent'))),
    ),
  );
}

function teamTable(lines: Line[]): HTMLElement {
  return h(
    'table',
    { 'data-testid': 'team-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        COLUMNS.map((c) =>
          h(
            'th',
            { scope: 'col', class: c.numeric ? 'num' : undefined },
            c.key === 'key' ? 'Team' : c.label,
          ),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      [...lines]
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((l) => h('tr', {}, cells(l, 'team'))),
    ),
  );
}

export async function loadProductivity(ctx: PanelContext, isCurrent: () => boolean): Promise<void> {
  const requests = productivityRequests(ctx.state, ctx.now);
  const [fcrTeam, ahtTeam, fcrAgent, ahtAgent] = await Promise.all(
    requests.map((r) => ctx.get<KpiAnswer<FcrRow & AhtRow>>(r.path)),
  );
  if (!isCurrent()) return;
  clear(
    byId('team-table'),
    h('div', { class: 'scroll' }, teamTable(join(fcrTeam!.rows, ahtTeam!.rows, 'team'))),
  );
  const agents = join(fcrAgent!.rows, ahtAgent!.rows, 'agent');
  const render = () =>
    clear(byId('agent-table'), h('div', { class: 'scroll' }, agentTable(agents, render)));
  render();
  byId('productivity-window').textContent = `Last ${ctx.state.days} days`;
}
