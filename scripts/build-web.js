/**
 * The dashboard's front end (web/, docs/dashboard.md): web/src/main.ts bundled by esbuild with
 * uPlot and its CSS (nothing from a CDN: the service may run air-gapped), and web/index.html
 * copied beside it.
 *
 *   node scripts/build-web.js [outdir]   (default dist/web; scripts/build.js calls buildWeb too)
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds web/ into `outdir`; false (with a message) when esbuild, a dev dependency, is absent. */
export async function buildWeb(outdir = path.join(root, 'dist', 'web')) {
  const esbuildPath = path.join(root, 'node_modules', 'esbuild');
  if (!existsSync(esbuildPath)) {
    process.stderr.write(
      'deskmetrics: web/ not bundled: esbuild (a dev dependency) is not installed\n',
    );
    return false;
  }
  const esbuild = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'web', 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    outdir,
    logLevel: 'warning',
    legalComments: 'eof',
  });
  copyFileSync(path.join(root, 'web', 'index.html'), path.join(outdir, 'index.html'));
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ok = await buildWeb(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  if (!ok) process.exit(1);
}
