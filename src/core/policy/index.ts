export * from './types.js';
export * from './match.js';
export * from './validate.js';
