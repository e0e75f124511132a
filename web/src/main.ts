/**
 * The manager's dashboard (docs/dashboard.md): sign-in with a reports:read key kept in
 * sessionStorage only, the view's state in the query string, and the panels, each loaded from
 * the requests in lib/requests.ts.
 */
import 'uplot/dist/uPlot.min.css';
import '../dashboard.css';
import {
  apiClient,
  AuthError,
  type Get,
  type KpiAnswer,
  type Tenant,
  type VolumeRow,
} from './lib/api.js';
import { byId, clear, failed, h, setStatus } from './lib/dom.js';
import { filterValuesRequest, TENANT_REQUEST } from './lib/requests.js';
import { formatState, parseState, type DashboardState } from './lib/state.js';
import { bindBacklogControls, loadBacklog } from './panels/backlog.js';
import type { PanelContext, PanelLoader } from './panels/context.js';
import { loadProductivity } from './panels/productivity.js';
import { loadQueue, REFRESH_MS } from './panels/queue.js';
import { loadSla } from './panels/sla.js';
import { showTimeline } from './panels/timeline.js';

const KEY_STORAGE = 'deskmetrics.key';

const PANELS: Record<string, { el: string; load: PanelLoader }> = {
  sla: { el: 'panel-sla', load: loadSla },
  queue: { el: 'panel-queue', load: loadQueue },
  backlog: { el: 'panel-backlog', load: loadBacklog },
  productivity: { el: 'panel-productivity', load: loadProductivity },
};

/** Which panels a change of each state field reloads (the rest: every panel). */
const AFFECTS: Partial<Record<keyof DashboardState, string[]>> = {
  asOf: ['backlog'],
  age: ['backlog'],
  queue: ['queue'],
  weeks: ['sla'],
  target: ['sla'],
  days: ['productivity'],
};

let get: Get | undefined;
let tenant: Tenant | undefined;
let state: DashboardState = parseState(location.search);
let timer: number | undefined;
const generation: Record<string, number> = {};

function show(screen: 'signin' | 'denied' | 'main'): void {
  for (const id of ['signin', 'denied', 'main']) byId(id).hidden = id !== screen;
  byId('sign-out').hidden = screen !== 'main';
}

function signOut(): void {
  sessionStorage.removeItem(KEY_STORAGE);
  get = undefined;
  window.clearInterval(timer);
  byId('tenant-name').textContent = '';
  show('signin');
  byId('key').focus();
}

function denied(error: AuthError): void {
  sessionStorage.removeItem(KEY_STORAGE);
  get = undefined;
  window.clearInterval(timer);
  const dialog = byId<HTMLDialogElement>('dialog');
  if (dialog.open) dialog.close();
  byId('denied-reason').textContent =
    error.status === 401
      ? `The key was not accepted: it is wrong, or it has been revoked (${error.message}).`
      : `The key is valid but may not read reports (${error.message}).`;
  show('denied');
  byId('denied-retry').focus();
}

function context(): PanelContext {
  return {
    get: get!,
    state,
    now: Date.now(),
    setState,
    openTicket: (id) => void showTimeline(context(), id),
    openDialog,
  };
}

function openDialog(title: string, content: HTMLElement): void {
  const dialog = byId<HTMLDialogElement>('dialog');
  byId('dialog-title').textContent = title;
  clear(byId('dialog-body'), content);
  if (!dialog.open) dialog.showModal();
}

async function loadPanel(name: string, ctx: PanelContext): Promise<void> {
  const panel = PANELS[name]!;
  const el = byId(panel.el);
  const mine = (generation[name] = (generation[name] ?? 0) + 1);
  const isCurrent = () => generation[name] === mine && get !== undefined;
  setStatus(el, 'loading');
  try {
    await panel.load(ctx, isCurrent);
    if (isCurrent()) setStatus(el, 'ready');
  } catch (error) {
    if (error instanceof AuthError) return denied(error);
    if (!isCurrent()) return;
    setStatus(el, 'error');
    const body =
      el.querySelector('.panel-error') ?? el.appendChild(h('div', { class: 'panel-error' }));
    failed(body, error);
    return;
  }
  el.querySelector('.panel-error')?.remove();
}

function loadPanels(names: string[]): void {
  const ctx = context();
  for (const name of names) void loadPanel(name, ctx);
}

function setState(patch: Partial<DashboardState>): void {
  const changed = (Object.keys(patch) as (keyof DashboardState)[]).filter(
    (k) => patch[k] !== state[k],
  );
  if (changed.length === 0) return;
  state = { ...state, ...patch };
  history.pushState(null, '', `${location.pathname}${formatState(state, tenant?.timezone)}`);
  syncControls();
  const names = new Set(changed.flatMap((k) => AFFECTS[k] ?? Object.keys(PANELS)));
  loadPanels([...names]);
}

function options(select: HTMLSelectElement, all: string, values: string[], current: string): void {
  const list = [...new Set([...values, ...(current === '' ? [] : [current])])].sort();
  clear(
    select,
    h('option', { value: '' }, all),
    list.map((v) => h('option', { value: v }, v === '' ? '(none)' : v)),
  );
  select.value = current;
}

function zones(): string[] {
  const known = Intl.supportedValuesOf('timeZone');
  return [...new Set(['UTC', ...known, tenant?.timezone ?? 'UTC', state.timezone])];
}

function syncControls(): void {
  const tz = byId<HTMLSelectElement>('tz');
  if (tz.options.length === 0) {
    clear(
      tz,
      zones().map((z) =>
        h('option', { value: z }, z === tenant?.timezone ? `${z} (the help desk’s)` : z),
      ),
    );
  }
  tz.value = state.timezone;
  for (const name of ['team', 'priority', 'channel'] as const) {
    const select = byId<HTMLSelectElement>(name);
    if (select.options.length === 0) options(select, `All`, [], state[name]);
    select.value = state[name];
  }
}

async function loadFilterValues(): Promise<void> {
  const answer = await get!<KpiAnswer<VolumeRow>>(
    filterValuesRequest(state.timezone, Date.now()).path,
  );
  const labels = { team: 'All teams', priority: 'All priorities', channel: 'All channels' };
  for (const name of ['team', 'priority', 'channel'] as const) {
    const values = answer.rows.map((r) => r[name] ?? '').filter((v) => v !== '');
    options(byId<HTMLSelectElement>(name), labels[name], values, state[name]);
  }
}

async function start(key: string): Promise<void> {
  get = apiClient(key);
  tenant = await get<Tenant>(TENANT_REQUEST.path);
  sessionStorage.setItem(KEY_STORAGE, key);
  state = parseState(location.search);
  if (state.timezone === '') state = { ...state, timezone: tenant.timezone };
  byId('tenant-name').textContent = tenant.name;
  show('main');
  byId<HTMLSelectElement>('tz').replaceChildren();
  syncControls();
  loadPanels(Object.keys(PANELS));
  window.clearInterval(timer);
  timer = window.setInterval(() => loadPanels(['queue']), REFRESH_MS);
  await loadFilterValues();
}

function bind(): void {
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('key');
    const key = input.value.trim();
    input.value = '';
    byId('signin-error').textContent = '';
    start(key).catch(onStartError);
  });
  byId('sign-out').addEventListener('click', signOut);
  byId('denied-retry').addEventListener('click', signOut);
  byId('dialog-close').addEventListener('click', () => byId<HTMLDialogElement>('dialog').close());
  byId<HTMLSelectElement>('tz').addEventListener('change', (e) =>
    setState({ timezone: (e.target as HTMLSelectElement).value }),
  );
  for (const name of ['team', 'priority', 'channel'] as const) {
    byId<HTMLSelectElement>(name).addEventListener('change', (e) =>
      setState({ [name]: (e.target as HTMLSelectElement).value }),
    );
  }
  bindBacklogControls(context);
  window.addEventListener('popstate', () => {
    if (!get) return;
    const next = parseState(location.search);
    state = { ...next, timezone: next.timezone || (tenant?.timezone ?? 'UTC') };
    syncControls();
    loadPanels(Object.keys(PANELS));
  });
}

function onStartError(error: unknown): void {
  if (error instanceof AuthError) return denied(error);
  show('signin');
  byId('signin-error').textContent =
    `The service did not answer: ${error instanceof Error ? error.message : String(error)}`;
}

bind();
const saved = sessionStorage.getItem(KEY_STORAGE);
if (saved) start(saved).catch(onStartError);
else {
  show('signin');
  byId('key').focus();
}
