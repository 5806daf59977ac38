import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../server/src/providers/index.ts';

const root = new URL('../../../', import.meta.url).pathname;

/** Every source file (not tests) under a folder, as paths relative to the repository. */
function sources(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) found.push(relative(root, path));
    }
  };
  walk(join(root, folder));
  return found;
}

const files = [...sources('server/src'), ...sources('widget/src')];
const text = (file: string) => readFileSync(join(root, file), 'utf8');

// The contract's ids, and any a module adds: a provider's name belongs to its own folders only.
const PROVIDER_IDS = [
  ...new Set(['igv', 'easypay', 'pingpong', 'fintech33', 'vodapay', ...PROVIDERS.map((m) => m.id)]),
];

function ownFolder(file: string, id: string): boolean {
  return (
    file.startsWith(`server/src/providers/${id}/`) ||
    file.startsWith(`server/src/sandbox/${id}/`) ||
    file === 'server/src/providers/index.ts'
  );
}

/** The module specifiers a file imports, with whether each is a type-only import. */
function importsOf(file: string): Array<{ from: string; typeOnly: boolean }> {
  const found: Array<{ from: string; typeOnly: boolean }> = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm;
  for (const match of text(file).matchAll(pattern)) found.push({ from: match[3]!, typeOnly: !!match[2] });
  for (const match of text(file).matchAll(/import\('([^']+)'\)/g))
    found.push({ from: match[1]!, typeOnly: false });
  return found;
}

function resolveImport(file: string, from: string): string {
  return from.startsWith('.') ? relative(root, join(root, file, '..', from)) : from;
}

describe('the layout keeps each provider in its own folders', () => {
  it('finds the sources it scans', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files).toContain('server/src/providers/registry.ts');
    expect(files).toContain('widget/src/client.ts');
  });

  it.each(PROVIDER_IDS)('names %s only in its own folders and in providers/index.ts', (id) => {
    const word = new RegExp(`\\b${id}\\b`, 'i');
    const offenders = files
      .filter((file) => !ownFolder(file, id))
      .flatMap((file) =>
        text(file)
          .split('\n')
          .map((line, index) => ({ line, index }))
          .filter(({ line }) => word.test(line))
          .map(({ index }) => `${file}:${index + 1}`),
      );
    expect(offenders).toEqual([]);
  });
});

describe('imports point one way', () => {
  const server = files.filter((f) => f.startsWith('server/src/'));
  const edges = server.flatMap((file) =>
    importsOf(file).map(({ from, typeOnly }) => ({ file, to: resolveImport(file, from), typeOnly })),
  );

  it('providers/types.ts does not import the store', () => {
    const bad = edges.filter((e) => e.file === 'server/src/providers/types.ts' && e.to.includes('/store/'));
    expect(bad).toEqual([]);
  });

  it('providers/ does not import config/ (config reads providers, not the reverse)', () => {
    const bad = edges.filter(
      (e) => e.file.startsWith('server/src/providers/') && e.to.startsWith('server/src/config/'),
    );
    expect(bad).toEqual([]);
  });

  it('the sandbox imports no adapter code, only the types of the settings it is given', () => {
    const bad = edges.filter(
      (e) =>
        e.file.startsWith('server/src/sandbox/') && e.to.startsWith('server/src/providers/') && !e.typeOnly,
    );
    expect(bad).toEqual([]);
  });

  it('no file is much over 300 lines', () => {
    const long = files
      .map((file) => ({ file, lines: text(file).split('\n').length }))
      .filter(({ lines }) => lines > 320)
      .map(({ file, lines }) => `${file} (${lines})`);
    expect(long).toEqual([]);
  });
});
