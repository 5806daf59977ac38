/**
 * iGV as it costs a merchant's machine: nothing. A canned, correctly shaped user-sync answer from
 * its own process over loopback HTTP, with a fresh authorization code each time, and no signature
 * check (the verifying sandbox stays the tests' correctness fixture; the bench only checks that the
 * request carries iGV's three signature headers). Its CPU time is reported beside the BFF's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ownStats, serve } from './ipc.ts';

export interface UpstreamSetup {
  merchantId: string;
}

let server: Server | undefined;

serve({
  async setup(params: UpstreamSetup) {
    const userPath = `/igv/pay-fac/${encodeURIComponent(params.merchantId)}/v1/user`;
    let issued = 0;
    const answer = (req: IncomingMessage, res: ServerResponse) => {
      const signed = req.headers['timestamp'] && req.headers['nonce'] && req.headers['signature'];
      const body =
        req.method === 'POST' && req.url === userPath && signed
          ? `{"code":"0000","msg":"success","data":{"userId":"10001","authorizationCode":"ac${(issued += 1).toString(36).padStart(30, '0')}"}}`
          : '{"code":"10002","msg":"unexpected request"}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    server = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => answer(req, res));
    });
    server.keepAliveTimeout = 60_000;
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', () => resolve());
    });
    return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}` };
  },
  stats: (options: { gc?: boolean } | undefined) => ownStats(options),
  stop() {
    setImmediate(() => {
      server?.closeAllConnections();
      server?.close();
      process.exit(0);
    });
    return { stopping: true };
  },
});
