import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

describe('runtime dependencies', () => {
  it('are each used by the code that ships (an unused one is attack surface for nothing)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    const code = ['server/src', 'widget/src', 'demo', 'scripts']
      .flatMap(sources)
      .map((file) => readFileSync(join(root, file), 'utf8'))
      .join('\n');
    // Type packages ship with the declarations, for a package that is itself used.
    const used = (name: string): boolean =>
      name.startsWith('@types/') ? used(name.slice('@types/'.length)) : imported(name);
    const imported = (name: string) =>
      new RegExp(`from '${name}(/[^']*)?'|import\\('${name}(/[^']*)?'\\)`).test(code) ||
      Object.values(pkg.scripts).some((script) => script.split(/\s+/).includes(name));
    expect(Object.keys(pkg.dependencies).filter((name) => !used(name))).toEqual([]);
  });
});
