import { generateKeyPairSync, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { Clock } from '../clock.ts';
import type { BaseConfig, Config } from '../config/config.ts';
import { parseDataKeys } from '../crypto/sealed.ts';
import { sandboxRouter } from './http.ts';
import { IgvSandbox } from './igv/sandbox.ts';
import { PingPongSandbox } from './pingpong/sandbox.ts';

export const SANDBOX_IGV_MERCHANT = 'M-SANDBOX';

export interface Sandboxes {
  igv: IgvSandbox;
  pingpong: PingPongSandbox;
}

/** A fresh merchant key pair, made at run time: no key is ever committed. */
export function generateMerchantKeys(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** Data keys for the sandbox, kept in the data folder so a restarted demo can still open its rows. */
function sandboxDataKeys(dataDir: string): string {
  const path = join(dataDir, 'data-keys');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `v1:${randomBytes(32).toString('base64')}`, { mode: 0o600 });
  }
  return readFileSync(path, 'utf8').trim();
}

/**
 * Fills in what sandbox mode may leave out (API key, data keys, provider settings) and builds the
 * simulators those providers now point at. `sandboxUrl` is where `sandboxApp` will be served.
 */
export function completeForSandbox(
  base: BaseConfig,
  options: { sandboxUrl: string; dataDir: string; clock: Clock },
): { config: Config; sandboxes: Sandboxes; generatedApiKey: string | undefined } {
  const generatedApiKey =
    base.apiKey === undefined ? `lgk_${randomBytes(24).toString('base64url')}` : undefined;
  const dataKeys = base.dataKeys ?? parseDataKeys(sandboxDataKeys(options.dataDir));
  const igvSettings = base.providers.igv ?? {
    baseUrl: `${options.sandboxUrl}/igv`,
    merchantId: SANDBOX_IGV_MERCHANT,
    privateKey: generateMerchantKeys().privateKey,
    pageOrigin: new URL(options.sandboxUrl).origin,
  };
  const igv = new IgvSandbox({
    clock: options.clock,
    merchants: new Map([[igvSettings.merchantId, createPublicKey(igvSettings.privateKey)]]),
  });
  const pingpongSettings = base.providers.pingpong ?? {
    baseUrl: `${options.sandboxUrl}/pingpong`,
    accId: 'ACC-SANDBOX',
    clientId: 'CLIENT-SANDBOX',
    salt: randomBytes(12).toString('hex').toUpperCase(),
    signType: 'SHA256' as const,
    unbindPath: '/v4/paymethod/unbind',
  };
  const pingpong = new PingPongSandbox({
    clock: options.clock,
    merchants: [pingpongSettings],
    publicBase: `${options.sandboxUrl}/pingpong`,
    unbindPath: pingpongSettings.unbindPath,
  });
  return {
    config: {
      ...base,
      apiKey: base.apiKey ?? generatedApiKey!,
      dataKeys,
      providers: { ...base.providers, igv: igvSettings, pingpong: pingpongSettings },
    },
    sandboxes: { igv, pingpong },
    generatedApiKey,
  };
}

/** The sandboxes as one Express app: APIs under `/<provider>`, iGV's pages at the root. */
export function sandboxApp(sandboxes: Sandboxes): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use('/igv', sandboxRouter(sandboxes.igv.handleApi));
  app.use('/pingpong', sandboxRouter(sandboxes.pingpong.handle));
  app.use('/items', (req, _res, next) => {
    req.url = `/items${req.url}`;
    next();
  });
  app.use(sandboxRouter(sandboxes.igv.handlePage));
  return app;
}
