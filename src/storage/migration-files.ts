/**
 * The migration files on disk and their checksums, apart from the migrator so that reading them
 * does not load Kysely (scripts/build.js checks the embedded database template on every start).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (name) => {
      const text = await readFile(`${dir}/${name}`, 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    }),
  );
}

/**
 * A migration's statements, one by one. The migrator sends them separately because Citus
 * forwards a `CREATE INDEX` on a distributed table to its workers as the text it arrived in, and
 * a text of several statements then fails there ("cannot insert multiple commands into a
 * prepared statement"). Splits on `;` outside quotes, quoted identifiers, dollar-quoted bodies
 * and comments; statements that are only comments or blank are left out.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let code = false;
  let i = 0;
  const n = text.length;
  const skipTo = (end: string, from: number): number => {
    const at = text.indexOf(end, from);
    return at === -1 ? n : at + end.length;
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      i = skipTo('\n', i + 2);
    } else if (c === '/' && text[i + 1] === '*') {
      i = skipTo('*/', i + 2);
    } else if (c === "'" || c === '"') {
      // A doubled quote inside continues the literal: the scan meets it as a new literal.
      i = skipTo(c, i + 1);
      code = true;
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? ' ')) {
      const tag = /^\$[A-Za-z_][A-Za-z0-9_]*\$|^\$\$/.exec(text.slice(i, i + 64))?.[0];
      if (tag !== undefined) i = skipTo(tag, i + tag.length);
      else i += 1;
      code = true;
    } else if (c === ';') {
      if (code) statements.push(text.slice(start, i + 1).trim());
      start = i + 1;
      code = false;
      i += 1;
    } else {
      if (!/\s/.test(c)) code = true;
      i += 1;
    }
  }
  if (code) statements.push(text.slice(start).trim());
  return statements;
}
