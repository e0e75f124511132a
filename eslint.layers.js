// @ts-check
/**
 * The direction of imports between the layers of src/ (docs/architecture.md), held by lint:
 * each entry names a folder and the folders of ours it must not import. eslint.config.js applies
 * them; test/contract/layers.test.ts proves each one fires.
 */

/** Patterns that match an import of `folder` from anywhere below src/ (one or two levels up). */
const of = (...folders) =>
  folders.flatMap((f) => [`../${f}`, `../${f}/*`, `../../${f}`, `../../${f}/*`]);
const entryPoints = ['../main.js', '../../main.js', ...of('cli')];

/** @type {Array<{ folder: string, forbidden: string[], message: string }>} */
export const LAYERS = [
  {
    folder: 'storage',
    forbidden: [
      ...of('ingest', 'http', 'cli', 'reporting', 'exports', 'tenant-config'),
      ...entryPoints,
    ],
    message: 'storage may use core only',
  },
  {
    folder: 'tenant-config',
    forbidden: [...of('ingest', 'http', 'cli', 'reporting', 'exports'), ...entryPoints],
    message: 'tenant-config may use core and storage only',
  },
  {
    folder: 'ingest',
    forbidden: [...of('reporting', 'exports', 'http'), ...entryPoints],
    message: 'ingest may use core, storage and tenant-config, never the read side or HTTP',
  },
  {
    folder: 'reporting',
    forbidden: [...of('ingest', 'http', 'exports'), ...entryPoints],
    message: 'reporting may use core, storage and tenant-config, never ingest or HTTP',
  },
  {
    folder: 'exports',
    forbidden: [...of('ingest', 'http', 'storage'), ...entryPoints],
    message: "exports turn reporting's tables into bytes: no ingest, storage or HTTP",
  },
  {
    folder: 'http',
    forbidden: [...entryPoints],
    message: 'nothing below the entry points imports main.ts or the CLI',
  },
];

/** The flat-config entries for {@link LAYERS}. */
export const layerConfigs = LAYERS.map(({ folder, forbidden, message }) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: [...new Set(forbidden)], message }] }],
  },
}));
