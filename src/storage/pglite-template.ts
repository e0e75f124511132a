/**
 * A migrated, empty embedded database that the build (scripts/build.js) leaves in dist/ and a
 * first start copies into its empty data directory. A first start otherwise runs initdb in
 * WebAssembly (3–5 s) and then every migration on a cold WebAssembly instance (about 1 s); the
 * copy takes about 0.1 s and leaves only the start of an existing database. It holds PGlite's
 * initdb output and our migrations, nothing per installation (the first tenant and its key are
 * made at start), so it is named after the PGlite version and a hash of the migrations: after
 * either changes, a first start without a rebuild finds no template and runs initdb as before.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMigrations } from './migration-files.js';

/** dist/ from both src/storage (tsx) and dist/storage (the build), which writes it there. */
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const PREFIX = 'pglite-template-';
/** Written last by the copy: PGlite takes a directory with it for an initialised database. */
const PG_VERSION = 'PG_VERSION';

async function pgliteVersion(): Promise<string> {
  // The package's exports hide its package.json; its CommonJS entry is dist/index.cjs.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  return (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
}

async function templateDir(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of await loadMigrations()) hash.update(`${m.name}\n${m.checksum}\n`);
  const key = `${await pgliteVersion()}-${hash.digest('hex').slice(0, 12)}`;
  return path.join(DIST, `${PREFIX}${key}`);
}

/** Copies `from` into `to`, PG_VERSION last; synchronous: nothing else runs yet at a start. */
function copyTree(from: string, to: string, root = true): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (root && entry.name === PG_VERSION) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target, false);
    else copyFileSync(source, target);
  }
  // A copy cut short leaves no PG_VERSION, so the next start copies again.
  if (root) copyFileSync(path.join(from, PG_VERSION), path.join(to, PG_VERSION));
}

/** Fills an empty `dataDir` from the template, when the build made one for this version. */
export async function copyPGliteTemplate(dataDir: string): Promise<boolean> {
  if (existsSync(path.join(dataDir, PG_VERSION))) return false;
  const template = await templateDir();
  if (!existsSync(path.join(template, PG_VERSION))) return false;
  copyTree(template, dataDir);
  return true;
}

/** Makes the template unless it exists (the build calls this); removes outdated ones. */
export async function ensurePGliteTemplate(): Promise<void> {
  const template = await templateDir();
  if (existsSync(template)) return;
  // Made aside and renamed, so that a start never copies half a template.
  const partial = `${template}.partial-${Date.now()}`;
  // Loaded only here: the up-to-date check before every `npm start` needs none of it.
  const { openDatabase } = await import('./database.js');
  const { migrate } = await import('./migrator.js');
  const database = await openDatabase({ dataDir: partial });
  try {
    await migrate(database.db);
  } finally {
    await database.close();
  }
  await rename(partial, template);
  for (const name of await readdir(DIST)) {
    const other = path.join(DIST, name);
    if (name.startsWith(PREFIX) && other !== template) {
      await rm(other, { recursive: true, force: true });
    }
  }
}
