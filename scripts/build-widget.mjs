// Builds dist/widget/linkgate.js with Vite, then writes dist/widget/sri.json (sha384 of each file).
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = new URL('../dist/widget/', import.meta.url);

await build({ root, configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)) });

const integrity = {};
for (const name of (await readdir(outDir)).filter((file) => file !== 'sri.json').sort()) {
  const bytes = await readFile(new URL(name, outDir));
  integrity[name] = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
  const kib = (size) => `${(size / 1024).toFixed(1)} KiB`;
  console.log(`dist/widget/${name}  ${kib(bytes.length)}, gzip ${kib(gzipSync(bytes, { level: 9 }).length)}`);
}
await writeFile(new URL('sri.json', outDir), `${JSON.stringify(integrity, null, 2)}\n`);
console.log('dist/widget/sri.json written');
