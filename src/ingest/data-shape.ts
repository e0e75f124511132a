/**
 * The shape bound of an event's `data` (core/domain.ts): at most MAX_DATA_DEPTH levels of objects
 * and arrays, and MAX_DATA_MEMBERS keys and array items in total. Checked before anything walks
 * `data` recursively (canonical JSON, the storable-text scan), so a hostile nesting is a field
 * error instead of a stack overflow. The walk itself is iterative.
 */
import { escapePointer, MAX_DATA_DEPTH, MAX_DATA_MEMBERS } from '../core/domain.js';

export interface ShapeError {
  path: string;
  message: string;
}

/** The first violation of the bound in `data` (a plain object at depth 1), or undefined. */
export function dataShapeError(data: Record<string, unknown>): ShapeError | undefined {
  const stack: Array<{ value: object; path: string; depth: number }> = [
    { value: data, path: '/data', depth: 1 },
  ];
  let members = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    const keys = Object.keys(value);
    members += keys.length;
    if (members > MAX_DATA_MEMBERS) {
      return {
        path: '/data',
        message: `must have at most ${MAX_DATA_MEMBERS} keys and array items in total`,
      };
    }
    for (const key of keys) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child !== 'object' || child === null) continue;
      const at = `${path}/${escapePointer(key)}`;
      if (depth >= MAX_DATA_DEPTH) {
        return { path: at, message: `must be nested at most ${MAX_DATA_DEPTH} levels deep` };
      }
      stack.push({ value: child, path: at, depth: depth + 1 });
    }
  }
  return undefined;
}
