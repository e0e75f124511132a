// @ts-check
/**
 * Size limits for src/ (docs/architecture.md, Habits): a file past 400 lines or a function past
 * 80 is split. TypeBox schema files are declarations, not logic, so only the file limit holds
 * there. eslint.config.js applies these; test/contract/layers.test.ts proves each fires.
 */

/** The flat-config entries for the size limits. */
export const sizeConfigs = [
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  {
    files: ['src/http/schemas/**/*.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
];
