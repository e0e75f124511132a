/**
 * The dashboard in Debian's chromium (never a downloaded browser), driven by playwright-core,
 * against an app on a test database listening on a real port; web/ bundled into a temporary
 * directory by the same script `npm run build` uses.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  console.warn(
    `test/browser skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does)`,
  );
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function buildWeb(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'deskmetrics-web-'));
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.js'), dir], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`web build failed:\n${run.stderr}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
}

export interface Served {
  t: TestApp;
  baseUrl: string;
  /** GET with a reports:read key, as JSON. */
  api(pathAndQuery: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function serve(webRoot: string): Promise<Served> {
  const t = await createTestApp({ webRoot, logger: { level: 'error' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    t,
    baseUrl,
    api: async (p) => {
      const res = await fetch(baseUrl + p, { headers: t.auth('reports:read') });
      if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as unknown;
    },
  };
}
