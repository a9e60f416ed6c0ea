/** Migrations are run one statement at a time (platform/migrate.ts): split at `;`, but never inside a `$$` body. */
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../../platform/migrate';

describe('splitStatements', () => {
  it('splits at semicolons, drops comment lines and empty statements', () => {
    expect(splitStatements('-- a comment; not a statement\nCREATE TABLE a (x int);\n\nDROP TABLE b;;\n')).toEqual(['CREATE TABLE a (x int)', 'DROP TABLE b']);
  });

  it('keeps a function body between $$ whole, semicolons and all', () => {
    const fn = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO t VALUES (1);\n  RETURN NULL;\nEND\n$$";
    expect(splitStatements(`CREATE TABLE t (x int);\n${fn};\nCREATE TRIGGER g AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION f();`)).toEqual([
      'CREATE TABLE t (x int)',
      fn,
      'CREATE TRIGGER g AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION f()',
    ]);
  });
});
