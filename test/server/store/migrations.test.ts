import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../server/src/store/migrations.ts';

/*
 * Rolling upgrades run old and new instances on one database: a migration may only add (tables,
 * nullable columns or columns with a default, indexes), so the older version's statements still
 * work on the newer schema. The first two built the schema and are taken as they are.
 */

const statements = (script: string) =>
  script
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);

describe('migrations after the first are additive', () => {
  const later = MIGRATIONS.slice(2).flatMap((script, i) =>
    statements(script).map((s) => ({ version: i + 3, s })),
  );

  it('finds the statements it checks', () => {
    expect(later.length).toBeGreaterThan(5);
  });

  it.each(later.map(({ version, s }) => [version, s]))('version %i: %s', (_version, statement) => {
    const text = String(statement).toUpperCase();
    expect(text).not.toMatch(/\b(DROP|RENAME|TRUNCATE|DELETE|UPDATE)\b|ALTER COLUMN|ALTER TABLE \S+ ALTER/);
    const additive =
      /^CREATE (UNIQUE )?INDEX /.test(text) ||
      /^CREATE TABLE /.test(text) ||
      (/^ALTER TABLE \S+ ADD COLUMN /.test(text) && (!/NOT NULL/.test(text) || /DEFAULT/.test(text)));
    expect(additive).toBe(true);
  });
});
