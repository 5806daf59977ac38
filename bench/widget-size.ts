/**
 * Widget size: the CDN bundle (what scripts/build-widget.mjs writes to dist/widget/linkgate.js, built
 * here afresh into a temp dir with the same vite.config.ts), and each element alone, built from its
 * own entry widget/src/elements/<name>/<name>.ts. Sizes are minified bytes gzipped at zlib level 9.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(ROOT, 'vite.config.ts');
const ELEMENTS = join(ROOT, 'widget', 'src', 'elements');

export interface BundleSize {
  name: string;
  minifiedBytes: number;
  gzipBytes: number;
}

/**
 * widget/src/elements/*\/<same name>.ts that defines `linkgate-<name>`: one entry per element, whatever
 * elements exist (a folder of shared parts, such as wallet-button/, is no element).
 */
export function elementEntries(): { name: string; entry: string }[] {
  return readdirSync(ELEMENTS, { withFileTypes: true })
    .filter((dirent) => dirent.isDirectory())
    .map((dirent) => ({ name: dirent.name, entry: join(ELEMENTS, dirent.name, `${dirent.name}.ts`) }))
    .filter(
      ({ name, entry }) =>
        existsSync(entry) && readFileSync(entry, 'utf8').includes(`defineElement('linkgate-${name}'`),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function buildOne(name: string, entry: string | undefined): Promise<BundleSize> {
  const outDir = mkdtempSync(join(tmpdir(), 'linkgate-bench-widget-'));
  try {
    await build({
      root: ROOT,
      configFile: CONFIG,
      logLevel: 'error',
      build: {
        outDir,
        emptyOutDir: true,
        // Only the entry changes; format, minification and the CDN banner come from vite.config.ts.
        ...(entry === undefined ? {} : { lib: { entry } }),
      },
    });
    const files = readdirSync(outDir).filter((file) => file.endsWith('.js'));
    if (files.length !== 1) throw new Error(`${name}: expected one .js file, got ${files.join(', ')}`);
    const bytes = readFileSync(join(outDir, files[0]!));
    return { name, minifiedBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export async function measureWidget(): Promise<{ all: BundleSize; elements: BundleSize[] }> {
  const all = await buildOne('linkgate.js', undefined);
  const elements: BundleSize[] = [];
  for (const { name, entry } of elementEntries()) elements.push(await buildOne(name, entry));
  return { all, elements };
}
