/**
 * The migrator sends a migration's statements one by one (Citus fails a `CREATE INDEX` on a
 * distributed table sent in a text of several statements): the split must keep every statement
 * whole — quotes, quoted identifiers, dollar-quoted bodies and comments hold semicolons.
 */
import { describe, expect, it } from 'vitest';
import { loadMigrations, splitStatements } from '../../../src/storage/migration-files.js';

describe('splitStatements', () => {
  it.each([
    ['two statements', 'create table a (x int);\ncreate index i on a (x);', 2],
    ['a trailing statement without ;', 'select 1; select 2', 2],
    ['a ; in a string literal', "insert into a values ('x;y'); select 1;", 2],
    ['a doubled quote in a literal', "select 'it''s; fine'; select 2;", 2],
    ['a ; in a quoted identifier', 'create table "a;b" (x int); select 1;', 2],
    ['a ; in a line comment', '-- one; two\nselect 1; -- three; four\n', 1],
    ['a ; in a block comment', '/* a; b */ select 1; /* c; d */', 1],
    ['a DO body with $$', 'do $$ begin perform 1; perform 2; end $$; select 1;', 2],
    ['a DO body with a tag', 'do $x$ begin raise notice $$;$$; end $x$; select 1;', 2],
    ['a $ inside an identifier is not a quote', 'select a$b$ from t; select 2;', 2],
    ['a parameter-like $1', "select '$1'; select $1;", 2],
    ['only comments and blanks', '-- nothing\n/* here */\n;\n', 0],
  ])('%s', (_name, text, count) => {
    const statements = splitStatements(text);
    expect(statements).toHaveLength(count);
    // Nothing is lost: the statements are the text's code in order.
    const strip = (s: string) => s.replace(/\s+/g, '');
    for (const statement of statements) expect(strip(text)).toContain(strip(statement));
  });

  it('keeps a DO block whole', () => {
    const body = 'do $citus$\nbegin\n  perform 1;\n  perform 2;\nend\n$citus$;';
    expect(splitStatements(`-- why\n${body}\nselect 1;`)).toEqual([`-- why\n${body}`, 'select 1;']);
  });

  it("splits every migration into statements that together are the file's code", async () => {
    for (const migration of await loadMigrations()) {
      const statements = splitStatements(migration.sql);
      expect(statements.length, migration.name).toBeGreaterThan(0);
      const code = (text: string) =>
        text
          .replace(/--[^\n]*/g, '')
          .replace(/\s+/g, ' ')
          .trim();
      expect(code(statements.join('\n')), migration.name).toBe(code(migration.sql));
    }
  });
});
