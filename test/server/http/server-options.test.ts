import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { expressServerOptions } from '../../../server/src/http/server-options.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves a small Express app; answers whether each request arrived already bearing the app's prototypes. */
async function serve(withOptions: boolean) {
  const app = express();
  app.post('/echo', express.json(), (req, res) => {
    res.status(201).json({ got: req.body, viaExpress: typeof res.json === 'function' });
  });
  const born: boolean[] = [];
  server = withOptions ? createServer(expressServerOptions(app)) : createServer();
  // Registered before the app: it sees the request as node:http made it, before Express touches it.
  server.on('request', (req: IncomingMessage, res) => {
    born.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
  });
  server.on('request', app);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ a: 1 }),
  });
  return { born, status: answer.status, body: await answer.json() };
}

describe('expressServerOptions', () => {
  it("makes requests and responses with the app's prototypes, so Express changes none of them", async () => {
    const served = await serve(true);
    expect(served).toEqual({ born: [true], status: 201, body: { got: { a: 1 }, viaExpress: true } });
  });

  it('differs from a plain server, whose requests Express must give a new prototype', async () => {
    expect((await serve(false)).born).toEqual([false]);
  });
});
