/**
 * The build: compile src/ to dist/ (tsc), make the CLI executable, bundle the dashboard's web/
 * into dist/web (esbuild, scripts/build-web.js), and leave in dist/ a migrated, empty embedded
 * database that a first start copies instead of running initdb (src/storage/pglite-template.ts).
 *
 *   node scripts/build.js             always (npm run build, and `prepare` on npm install / npm ci)
 *   node scripts/build.js --if-stale  only when dist/ is missing or older than its sources (prestart)
 *
 * Plain JavaScript so that the up-to-date check costs a few milliseconds rather than a compiler
 * start: `npm start` used to spend 10–20 s in tsc before every start.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (...parts) => path.join(root, ...parts);
const outputs = [at('dist', 'main.js'), at('dist', 'cli', 'index.js')];
const inputs = () => [at('tsconfig.json'), at('tsconfig.build.json'), ...files(at('src'))];
const webOutputs = [at('dist', 'web', 'main.js'), at('dist', 'web', 'index.html')];
const webInputs = () => [...files(at('web')), at('scripts', 'build-web.js')];
const hasWeb = () => existsSync(at('web')) && existsSync(at('scripts', 'build-web.js'));

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : [full];
  });
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** A build writes every output after reading every input, so the oldest output dates it. */
function isStale(outs = outputs, ins = inputs) {
  const times = outs.map(mtime);
  if (times.some((t) => t === undefined)) return true;
  const oldestOutput = Math.min(...times);
  return ins().some((file) => (mtime(file) ?? Infinity) > oldestOutput);
}

const built = () => outputs.every((file) => mtime(file) !== undefined);

/** Skipped without a compiler: `npm ci --omit=dev` installs none, and must not fail. */
function compile() {
  const tsc = at('node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    process.stderr.write(
      'deskmetrics: src/ not compiled: TypeScript (a dev dependency) is not installed\n',
    );
    return;
  }
  // noEmitOnError (tsconfig.build.json) keeps dist/ untouched on a type error, so it stays stale.
  const run = spawnSync(process.execPath, [tsc, '-p', at('tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // The `deskmetrics` bin (package.json) runs through its shebang.
  chmodSync(at('dist', 'cli', 'index.js'), 0o755);
}

/** The dashboard's bundle (scripts/build-web.js); skipped where the tree has no web/. */
async function bundleWeb() {
  if (!hasWeb()) {
    process.stderr.write('deskmetrics: dashboard not bundled: web/ is not in this tree\n');
    return;
  }
  const { buildWeb } = await import('./build-web.js');
  await buildWeb(at('dist', 'web'));
}

/** An optimisation of first starts: without it they run initdb, so a failure only warns. */
async function template() {
  try {
    const module = pathToFileURL(at('dist', 'storage', 'pglite-template.js')).href;
    const { ensurePGliteTemplate } = await import(module);
    await ensurePGliteTemplate();
  } catch (error) {
    process.stderr.write(`deskmetrics: no embedded database template: ${error}\n`);
  }
}

const ifStale = process.argv.includes('--if-stale');
if (!ifStale || isStale()) compile();
// Apart from src/: a change in web/ alone re-bundles without running tsc.
if (hasWeb() ? !ifStale || isStale(webOutputs, webInputs) : !ifStale) await bundleWeb();
if (built()) await template();
else if (ifStale) {
  process.stderr.write(
    'deskmetrics: dist/ is missing; run npm install (with dev dependencies) to build it\n',
  );
  process.exit(1);
}
