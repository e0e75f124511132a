/**
 * Dictionary encoding of one dimension: every distinct value gets a small integer id, in the
 * order values are first seen. A missing value (null, undefined or '', as the tables store it)
 * is id 0 and reads back as null, as the SQL path returns it. Numbers (an escalation's
 * `from_tier`) are kept as their text, which is what a text column holds.
 */
export const NULL_ID = 0;

export class Dictionary {
  private readonly ids = new Map<string, number>();
  private readonly values: Array<string | null> = [null];

  /** Number of ids handed out (the null id included). */
  get size(): number {
    return this.values.length;
  }

  /** The id of `value`, added when new. */
  idOf(value: string | number | null | undefined): number {
    if (value === null || value === undefined || value === '') return NULL_ID;
    const text = typeof value === 'string' ? value : String(value);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(text);
      this.ids.set(text, id);
    }
    return id;
  }

  /** The id of a filter value, without adding it ('' names the missing value). */
  find(text: string): number | undefined {
    return text === '' ? NULL_ID : this.ids.get(text);
  }

  /** The value of an id: null for the missing value. */
  valueOf(id: number): string | null {
    return this.values[id] ?? null;
  }
}
