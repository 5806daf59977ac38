import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support.ts';

/* Packs the package and installs its tarball into a fresh folder, offline, as a merchant would. */

interface LockEntry {
  version: string;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  [field: string]: unknown;
}
type Packages = Record<string, LockEntry>;

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** What the build reads: the package's sources and build configuration, not the work tree's dist/. */
const BUILD_INPUTS = [
  'package.json',
  'LICENSE',
  'README.md',
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.elements.json',
  'vite.config.ts',
  'custom-elements-manifest.config.mjs',
  'scripts',
  'server/src',
  'widget/src',
];

/**
 * `npm pack` (its prepack builds) in a copy of the build inputs, so that the work tree's dist/ is
 * left alone; the project's node_modules serve the build. Answers the tarball's path.
 */
export function pack(dir: string): string {
  const copy = join(dir, 'source');
  for (const input of BUILD_INPUTS) cpSync(join(ROOT, input), join(copy, input), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const out = join(dir, 'out');
  mkdirSync(out);
  const answer = execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: copy,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(answer.slice(answer.indexOf('[\n'))) as Array<{ filename: string }>;
  return join(out, packed!.filename);
}

/** The lock entry's path that `name` resolves to from `from`, as Node looks up node_modules. */
function resolveIn(packages: Packages, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const path = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[path]) return path;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/**
 * The project's lock cut down to what `wanted` needs, with each registry tarball's URL written in,
 * so `npm ci --offline` takes every tarball from the npm cache `npm ci` filled for the project.
 */
function closure(packages: Packages, wanted: string[], devWanted: string[]): Packages {
  const out: Packages = {};
  const seen = new Set<string>();
  const production = new Set<string>();
  const visit = (from: string, name: string, dev: boolean) => {
    const path = resolveIn(packages, from, name);
    if (!path || (dev ? seen.has(path) : production.has(path))) return;
    seen.add(path);
    if (!dev) production.add(path);
    const entry = packages[path]!;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    const packageName = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out[path] = {
      ...kept,
      resolved:
        entry.resolved ??
        `https://registry.npmjs.org/${packageName}/-/${packageName.split('/').pop()}-${entry.version}.tgz`,
    };
    const peers = Object.keys(entry.peerDependencies ?? {}).filter(
      (peer) => !entry.peerDependenciesMeta?.[peer]?.optional,
    );
    for (const dep of [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...peers,
    ])
      visit(path, dep, dev);
  };
  for (const name of wanted) visit('', name, false);
  for (const name of devWanted) visit('', name, true);
  for (const path of seen) if (!production.has(path)) out[path]!.dev = true;
  return out;
}

/**
 * A fresh app folder with the tarball and Express installed by `npm ci --offline`, and TypeScript
 * with the types it checks against. Install scripts do not run: the one native module, SQLite's,
 * takes the binding the project built for this Node (same version, checked), since compiling it
 * offline takes minutes.
 */
export function installApp(app: string, tarball: string, files: string): void {
  const project = readJson<{ dependencies: Record<string, string>; devDependencies: Record<string, string> }>(
    join(ROOT, 'package.json'),
  );
  const packed = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
  ) as { version: string; dependencies: Record<string, string> };
  const lock = readJson<{ packages: Packages }>(join(ROOT, 'package-lock.json'));
  mkdirSync(app, { recursive: true });
  for (const file of readdirSync(files)) copyFileSync(join(files, file), join(app, file));
  const dependencies = { express: project.dependencies['express']!, linkgate: `file:${tarball}` };
  const devNames = ['typescript', '@types/express', '@types/node', '@types/react'];
  const devDependencies = Object.fromEntries(devNames.map((name) => [name, project.devDependencies[name]!]));
  const manifest = {
    name: 'shop',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies,
    devDependencies,
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Packages = {
    '': { version: '1.0.0', name: 'shop', dependencies, devDependencies },
    'node_modules/linkgate': {
      version: packed.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: packed.dependencies,
    },
    ...closure(lock.packages, [...Object.keys(packed.dependencies), 'express'], devNames),
  };
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'shop', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sqlite = 'node_modules/better-sqlite3';
  const version = (root: string) => readJson<{ version: string }>(join(root, sqlite, 'package.json')).version;
  if (version(app) !== version(ROOT)) throw new Error('better-sqlite3 differs from the project’s');
  const binding = join(sqlite, 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(join(app, sqlite, 'build', 'Release'), { recursive: true });
  copyFileSync(join(ROOT, binding), join(app, binding));
}
