/**
 * JSON with object keys sorted, so that two encodings of the same event hash the same way
 * (`{"a":1,"b":2}` and `{"b":2,"a":1}` are one content, not a conflict). On the ingest hot path,
 * hence the plain loops.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (isFlat(obj, keys)) return flatJson(obj, keys);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** Keys in ascending order (the order `Array#sort` gives strings), each once. */
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i += 1) if (!(keys[i - 1]! < keys[i]!)) return false;
  return true;
}

/**
 * A key whose own-property order in a new object is not its insertion order (array indices come
 * first, ascending) or that an assignment would not create (`__proto__`).
 */
function reordersInObjects(key: string): boolean {
  const c = key.charCodeAt(0);
  return (c >= 48 && c <= 57) || key === '__proto__';
}

/**
 * A flat object's canonical JSON. The native serialiser without a replacer is the fastest: used
 * as is when the keys already come sorted, else on a copy with the keys inserted in order. Keys
 * that objects do not keep in insertion order take the replacer (the sorted key list).
 */
function flatJson(obj: Record<string, unknown>, keys: string[]): string {
  if (isSorted(keys)) return JSON.stringify(obj);
  keys.sort();
  const sorted: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (reordersInObjects(key)) return JSON.stringify(obj, keys);
    sorted[key] = obj[key];
  }
  return JSON.stringify(sorted);
}

/**
 * No nested objects (arrays of scalars allowed) and nothing undefined: the native serialiser with
 * the sorted key list as its replacer gives the same text, much faster.
 */
function isFlat(obj: Record<string, unknown>, keys: string[]): boolean {
  for (let i = 0; i < keys.length; i += 1) {
    const v = obj[keys[i]!];
    if (v === undefined) return false;
    if (typeof v === 'object' && v !== null) {
      if (!Array.isArray(v)) return false;
      for (const item of v) if (typeof item === 'object' && item !== null) return false;
    }
  }
  return true;
}
