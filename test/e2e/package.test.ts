import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installApp, pack } from './package-install.ts';
import { freePort, launchChromium, ROOT } from './support.ts';

/*
 * A merchant installs Linkgate from its tarball: `npm pack`, then a fresh folder outside the
 * repository installs it offline, and a plain Node Express app (test/e2e/merchant-app, no tsx)
 * mounts the router under /linkgate and serves a page with the CDN file and its SRI integrity.
 */

const dir = mkdtempSync(join(tmpdir(), 'linkgate-package-'));
const app = join(dir, 'shop');
let tarball: string;
let shop: ChildProcess;
let shopUrl: string;
let sandboxUrl: string;
let browser: Browser;
const timings: Record<string, number> = {};

function timed<T>(name: string, work: () => T): T {
  const start = performance.now();
  const result = work();
  timings[name] = Math.round(performance.now() - start);
  return result;
}

async function startShop(): Promise<void> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  shopUrl = `http://localhost:${port}`;
  sandboxUrl = `http://localhost:${sandboxPort}`;
  shop = spawn(process.execPath, ['server.js'], {
    cwd: app,
    env: {
      PATH: process.env['PATH'] ?? '',
      SHOP_PORT: String(port),
      PORT: String(port),
      LINKGATE_SANDBOX: '1',
      LINKGATE_SANDBOX_PORT: String(sandboxPort),
      // The mount path is part of the public URL: return and notification URLs derive from it.
      LINKGATE_PUBLIC_URL: `${shopUrl}/linkgate`,
      LINKGATE_DATABASE_URL: `file:${join(dir, 'shop.db')}`,
      LINKGATE_DATA_DIR: join(dir, 'data'),
      LINKGATE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  shop.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    shop.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Shop listening on')) resolve();
    });
    shop.once('exit', (code) => reject(new Error(`the shop exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  tarball = timed('npm pack (its prepack builds)', () => pack(dir));
  timed('install offline into a fresh folder', () =>
    installApp(app, tarball, join(ROOT, 'test/e2e/merchant-app')),
  );
  await startShop();
  browser = await launchChromium();
  process.stdout.write(`package test: ${JSON.stringify(timings)}\n`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (shop && shop.exitCode === null) {
    const exited = new Promise((resolve) => shop.once('exit', resolve));
    shop.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function shopPage(query = ''): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${shopUrl}/${query}`);
  return page;
}

describe('the package as a merchant installs it', () => {
  it('holds only what a merchant runs: built modules, declarations, the CDN file, no test, bench, demo or CI file', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    const outside = files.filter(
      (file) =>
        !/^package\/(dist\/(elements|server|widget)\/|dist\/custom-elements\.json$|LICENSE$|README\.md$|package\.json$)/.test(
          file,
        ),
    );
    expect(outside).toEqual([]);
    expect(
      files.filter((file) =>
        /(^|\/)(test|tests|bench|demo|\.ci)\/|\.test\.|\.spec\.|\.ts$/.test(file.replace(/\.d\.ts$/, '')),
      ),
    ).toEqual([]);
    for (const file of [
      'package/dist/server/index.js',
      'package/dist/server/index.d.ts',
      'package/dist/elements/index.js',
      'package/dist/elements/index.d.ts',
      'package/dist/elements/react.d.ts',
      'package/dist/widget/linkgate.js',
      'package/dist/widget/sri.json',
      'package/dist/widget/THIRD-PARTY-NOTICES.txt',
      'package/dist/custom-elements.json',
    ])
      expect(files).toContain(file);
  });

  it('says one version everywhere: package.json, the CDN banner and the README’s CDN example', () => {
    const read = (file: string) => execFileSync('tar', ['-xzOf', tarball, file], { encoding: 'utf8' });
    const { version } = JSON.parse(read('package/package.json')) as { version: string };
    expect(read('package/dist/widget/linkgate.js').split('\n')[0]).toContain(`Linkgate ${version},`);
    const examples = read('package/README.md').match(/linkgate@[0-9][^/\s]*/g) ?? [];
    expect(examples.length).toBeGreaterThan(0);
    expect(new Set(examples)).toEqual(new Set([`linkgate@${version}`]));
  });

  it('type-checks the shop (server.js and a React view) against the installed declarations', () => {
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', app], { encoding: 'utf8' })).not.toThrow();
  });

  it('exports each element alone, as a module that defines that element and no other', () => {
    for (const name of ['sso-link', 'connect-wallet', 'codegrant-signup']) {
      const resolved = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `console.log(import.meta.resolve('linkgate/${name}'))`],
        { cwd: app, encoding: 'utf8' },
      ).trim();
      const code = readFileSync(new URL(resolved), 'utf8');
      const defined = [...code.matchAll(/defineElement\('(linkgate-[a-z-]+)'/g)].map((match) => match[1]);
      expect(defined, name).toEqual([`linkgate-${name}`]);
    }
  });

  it('loads the CDN file only when its SRI integrity matches', async () => {
    const page = await shopPage();
    await page.waitForFunction(() => customElements.get('linkgate-sso-link') !== undefined);
    const wrong = await shopPage('?integrity=wrong');
    const blocked = new Promise((resolve) =>
      wrong.on('console', (message) => /integrity/i.test(message.text()) && resolve(message.text())),
    );
    await wrong.reload();
    await expect(blocked).resolves.toMatch(/integrity/);
    expect(await wrong.evaluate(() => customElements.get('linkgate-sso-link') === undefined)).toBe(true);
    await Promise.all([page.close(), wrong.close()]);
  });

  it('sends the buyer into iGV signed in through the SSO link', async () => {
    const page = await shopPage();
    await Promise.all([
      page.waitForURL(`${sandboxUrl}/items/**`),
      page.getByRole('link', { name: 'Buy on iGV' }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('authorizationCode')).toBeTruthy();
    await expect(page.locator('[data-signed-in="yes"]').textContent()).resolves.toContain('Minji Park');
    await page.close();
  });

  it('links an AlipayHK wallet through PingPong sign-up in a popup', async () => {
    const page = await shopPage();
    const signup = page.locator('linkgate-codegrant-signup');
    await expect.poll(() => signup.getAttribute('state')).toBe('idle');
    const [popup] = await Promise.all([page.waitForEvent('popup'), signup.getByRole('button').click()]);
    await popup.waitForURL(`${sandboxUrl}/pingpong/wallet/**`);
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Approve' }).click();
    await closed;
    await expect.poll(() => signup.getAttribute('state'), { timeout: 15_000 }).toBe('linked');
    await page.close();
  });
});
