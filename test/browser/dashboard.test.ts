/**
 * The dashboard in a real browser (issue 15): sign-in and the wrong-key screen, every panel with
 * data, the figures on the page equal to the API's answers to the very requests the page made,
 * a new zone and a filter re-querying every panel, the drill-down and the timeline, keyboard
 * sorting, the view kept in the URL, no console errors, and both widths (1280 and 390 px).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aht, count, percent } from '../../web/src/lib/format.js';
import { buildWeb, HAS_CHROMIUM, launch, serve, type Served } from './support.js';
import { POLICY, seedEvents } from './seed.js';

let web: ReturnType<typeof buildWeb>;
let s: Served;
let browser: Browser;
let page: Page;
const requested: string[] = [];
const consoleErrors: string[] = [];

async function watch(p: Page): Promise<void> {
  p.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/v1/')) requested.push(url.pathname + url.search);
  });
  p.on('console', (m) => {
    // The wrong-key steps make the browser log their 401 and 403 as failed loads: expected.
    if (m.type() === 'error' && !/status of 40[13]\b/.test(m.text())) consoleErrors.push(m.text());
  });
  p.on('pageerror', (e) => consoleErrors.push(String(e)));
}

const allReady = (p: Page) =>
  p.waitForFunction(
    () =>
      [...document.querySelectorAll<HTMLElement>('.panel')].every(
        (el) => el.dataset.status === 'ready',
      ),
    undefined,
    { timeout: 20_000 },
  );

const figure = async (p: Page, selector: string) =>
  (await p.locator(selector).first().textContent())?.trim();

/** The page's last request to `prefix` (a path, or a path and query start) matching `test`. */
function last(prefix: string, test: (q: URLSearchParams) => boolean = () => true): string {
  const found = requested.filter(
    (r) => r.startsWith(prefix) && test(new URLSearchParams(r.split('?')[1])),
  );
  expect(found.length, `a request to ${prefix}`).toBeGreaterThan(0);
  return found.at(-1)!;
}

/** Each figure on the page against the API's answer to the same request. */
async function expectFiguresEqualApi(p: Page, filter: Record<string, string>): Promise<void> {
  // The backlog at an instant and the queue have no periods, so no zone.
  const matches = (q: URLSearchParams) =>
    Object.entries(filter).every(
      ([k, v]) => q.get(k) === v || (k === 'timezone' && !q.has('timezone')),
    );
  const slaTotal = await s.api(last('/v1/kpis/sla?', (q) => !q.has('interval') && matches(q)));
  expect(slaTotal.rows[0].achieved + slaTotal.rows[0].breached).toBeGreaterThan(0);
  expect(await figure(p, '[data-figure="sla-compliance"]')).toBe(
    percent(slaTotal.rows[0].compliance),
  );

  const backlog = await s.api(last('/v1/kpis/backlog?', matches));
  expect(backlog.rows[0].total).toBeGreaterThan(0);
  expect(await figure(p, '[data-figure="backlog-total"]')).toBe(count(backlog.rows[0].total));

  const atRisk = await s.api(
    last('/v1/tickets?', (q) => q.get('sla_status') === 'at_risk' && matches(q)),
  );
  expect(atRisk.items.length).toBeGreaterThan(0);
  expect(await figure(p, '[data-figure="at-risk-count"]')).toBe(count(atRisk.items.length));

  const byAgent = await s.api(
    last('/v1/kpis/handle-time?', (q) => q.get('group_by') === 'agent' && matches(q)),
  );
  const agent = byAgent.rows.find((r: { agent: string }) => r.agent === 'ag-1');
  expect(agent.contacts).toBeGreaterThan(0);
  expect(await figure(p, '[data-figure="agent-aht"][data-agent="ag-1"]')).toBe(
    aht(agent.aht_seconds),
  );
}

describe.skipIf(!HAS_CHROMIUM)('the dashboard in chromium', () => {
  beforeAll(async () => {
    web = buildWeb();
    [s, browser] = await Promise.all([serve(web.dir), launch()]);
    const tenant = await s.t.app.inject({
      method: 'PUT',
      url: '/v1/tenant',
      headers: s.t.auth('admin'),
      payload: { timezone: 'Europe/Warsaw' },
    });
    expect(tenant.statusCode).toBe(200);
    expect((await s.t.configure('/v1/sla-policies', POLICY)).statusCode).toBe(200);
    const ingest = await s.t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: s.t.auth('events:write'),
      payload: seedEvents(Date.now()),
    });
    expect(ingest.json()).toMatchObject({ rejected: 0 });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await watch(page);
  });

  afterAll(async () => {
    await browser?.close();
    await s?.t.close();
    web?.remove();
  });

  it('sends / to the dashboard, which needs no key to load', async () => {
    const res = await fetch(`${s.baseUrl}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/dashboard/');
    const html = await fetch(`${s.baseUrl}/dashboard/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const openapi = await s.t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(
      Object.keys(openapi.json().paths).filter(
        (p) => !p.startsWith('/v1/') && p !== '/healthz' && p !== '/readyz' && p !== '/metrics',
      ),
    ).toEqual([]);
  });

  it('shows a clear screen for a wrong key, then signs in with a reports:read key', async () => {
    await page.goto(`${s.baseUrl}/`);
    await page.fill('#key', 'dm_not-a-key-at-all-0000');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#denied:not([hidden])');
    expect(await page.textContent('#denied-reason')).toMatch(/wrong, or it has been revoked/);
    await page.click('#denied-retry');
    await page.fill('#key', s.t.keys['events:write']);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#denied:not([hidden])');
    expect(await page.textContent('#denied-reason')).toMatch(/may not read reports/);
    await page.click('#denied-retry');
    await page.fill('#key', s.t.keys['reports:read']);
    await page.click('#signin-form button[type=submit]');
    await allReady(page);
    expect(await page.evaluate(() => sessionStorage.getItem('deskmetrics.key'))).toBe(
      s.t.keys['reports:read'],
    );
    expect(page.url()).not.toContain(s.t.keys['reports:read']);
  });

  it('renders every panel with data, in the tenant zone, figures equal to the API', async () => {
    expect(await page.inputValue('#tz')).toBe('Europe/Warsaw');
    expect(await page.locator('#sla-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#backlog-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#backlog-histogram li').count()).toBe(7);
    expect(await page.locator('[data-testid="queue-table"] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="team-table"] tbody tr').count()).toBe(2);
    expect(await page.locator('[data-testid="agent-table"] tbody tr').count()).toBe(3);
    expect(await page.locator('[data-testid="agent-table"] .small-sample').count()).toBeGreaterThan(
      0,
    );
    expect(last('/v1/kpis/sla?')).toContain('timezone=Europe%2FWarsaw');
    await expectFiguresEqualApi(page, { timezone: 'Europe/Warsaw' });
  });

  it('re-queries every panel for a new zone and a team filter, kept in the URL', async () => {
    const before = requested.length;
    await page.selectOption('#tz', 'America/New_York');
    await allReady(page);
    const zoned = requested.slice(before).filter((r) => r.includes('timezone='));
    expect(zoned.length).toBeGreaterThan(0);
    expect(zoned.every((r) => r.includes('timezone=America%2FNew_York'))).toBe(true);
    await expectFiguresEqualApi(page, { timezone: 'America/New_York' });

    const mark = requested.length;
    await page.selectOption('#team', 'L1');
    await allReady(page);
    const filtered = requested.slice(mark);
    for (const prefix of [
      '/v1/kpis/sla?',
      '/v1/tickets?',
      '/v1/kpis/backlog?',
      '/v1/kpis/backlog-trend?',
      '/v1/kpis/fcr?',
      '/v1/kpis/handle-time?',
    ]) {
      expect(
        filtered.some((r) => r.startsWith(prefix) && r.includes('team=L1')),
        prefix,
      ).toBe(true);
    }
    await expectFiguresEqualApi(page, { team: 'L1', timezone: 'America/New_York' });
    expect(new URL(page.url()).search).toBe('?tz=America%2FNew_York&team=L1');

    await page.reload();
    await allReady(page);
    expect(await page.inputValue('#tz')).toBe('America/New_York');
    expect(await page.inputValue('#team')).toBe('L1');
    await page.selectOption('#team', '');
    await allReady(page);
  });

  it('lists the clocks decided in a week, and draws a ticket timeline', async () => {
    await page.click('#sla-table summary');
    const cell = page
      .locator('[data-testid="sla-table"] button[data-metric="first_response"]')
      .last();
    await cell.click();
    await page.waitForSelector('[data-testid="drill"] table');
    const week = await cell.getAttribute('data-week');
    const drilled = last('/v1/tickets?', (q) => q.get('decided_from') === week);
    const answer = await s.api(drilled);
    expect(answer.items.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="drill"] tbody tr').count()).toBe(answer.items.length);
    await page.locator('[data-testid="drill"] button[data-ticket]').first().click();
    await page.waitForSelector('[data-testid="timeline"] .strip');
    expect(await page.locator('[data-testid="timeline"] .seg-running').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="timeline"] .versions')).toContain('standard v1');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#dialog:not([open])', { state: 'attached' });

    await page.locator('[data-testid="queue-table"] tbody button').first().click();
    await page.waitForSelector('[data-testid="timeline"] .strip');
    await page.click('#dialog-close');
  });

  it('sorts the agent table from the keyboard', async () => {
    const sortButton = page.locator('[data-testid="agent-table"] button[data-sort="aht_seconds"]');
    await sortButton.focus();
    await page.keyboard.press('Enter');
    const th = page.locator('[data-testid="agent-table"] th[aria-sort]');
    expect(await th.getAttribute('aria-sort')).toBe('descending');
    await page.keyboard.press('Enter');
    expect(await th.getAttribute('aria-sort')).toBe('ascending');
    const ahts = await page.locator('[data-figure="agent-aht"]').allTextContents();
    const seconds = ahts.map((t) => {
      const [m, sec] = t.split(/m\s*/);
      return Number(m) * 60 + Number.parseInt(sec ?? '0', 10);
    });
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
  });

  it('fits a 390 px phone without horizontal overflow', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await watch(phone);
    await phone.goto(`${s.baseUrl}/dashboard/`);
    await phone.fill('#key', s.t.keys['reports:read']);
    await phone.click('#signin-form button[type=submit]');
    await allReady(phone);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    expect(await figure(phone, '[data-figure="backlog-total"]')).toBe(
      await figure(page, '[data-figure="backlog-total"]'),
    );
    await phone.close();
  });

  it('logged no console errors, and never put the key in a URL', () => {
    expect(consoleErrors).toEqual([]);
    for (const key of Object.values(s.t.keys)) {
      expect(requested.some((r) => r.includes(key))).toBe(false);
    }
  });
});
