export * from './types.js';
export * from './derive.js';
export { currentPolicy, bindingFor, type BoundPolicy } from './binding.js';
