import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LinkgateError } from '../../../server/src/errors.ts';
import { Metrics } from '../../../server/src/metrics.ts';
import { createHttpClient } from '../../../server/src/transport/http-client.ts';
import { Transport, type TransportOptions } from '../../../server/src/transport/transport.ts';
import { FakeClock } from '../support/clock.ts';
import { collectingLogger } from '../support/logs.ts';

const servers: Server[] = [];
const client = createHttpClient();
afterAll(() => client.close());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
});

async function upstream(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Resolves once the next client socket this process opens has closed (its handle released). */
function nextClientSocketClosed(): Promise<void> {
  return new Promise((resolve) => {
    const opened = (message: unknown) => {
      unsubscribe('net.client.socket', opened);
      (message as { socket: Socket }).socket.once('close', () => resolve());
    };
    subscribe('net.client.socket', opened);
  });
}

function transport(hosts: string[], overrides: Partial<TransportOptions> = {}) {
  return new Transport({
    http: client,
    clock: new FakeClock(),
    logger: collectingLogger().logger,
    metrics: new Metrics(),
    allowedHosts: new Set(hosts),
    deadlineMs: 300,
    maxRetries: 2,
    backoffBaseMs: 10,
    breaker: { threshold: 5, cooldownMs: 30_000 },
    ...overrides,
  });
}

const call = (host: string, path = '/x') => ({
  provider: 'test',
  operation: 'probe',
  build: async () => ({ method: 'POST' as const, url: `http://${host}${path}`, headers: {}, body: '{}' }),
  interpret: (response: { status: number; body: Buffer }) =>
    ({ kind: 'done', value: `${response.status}:${response.body.toString()}` }) as const,
});

describe('the outbound pipeline (SECURITY 24, 25)', () => {
  it('ends a call to a provider that never answers at the deadline and closes the socket', async () => {
    let socketClosed!: () => void;
    const closed = new Promise<void>((resolve) => (socketClosed = resolve));
    const host = await upstream((req) => {
      req.socket.on('close', socketClosed);
      // never answers
    });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const sockets = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const ourSocketClosed = nextClientSocketClosed();
    const error = await transport([host])
      .send(call(host), { requestId: 'r1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkgateError);
    expect((error as LinkgateError).code).toBe('PROVIDER_UNAVAILABLE');
    // Both ends closed: the upstream saw our side hang up, and our own socket released its handle.
    // A socket left open never closes, and the test fails at its timeout below.
    await Promise.all([closed, ourSocketClosed]);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
    // No socket of ours is left open to the hanging provider.
    expect(process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length).toBeLessThanOrEqual(
      sockets,
    );
  }, 5_000);

  it('does not follow redirects', async () => {
    let followed = 0;
    const target = await upstream((_req, res) => {
      followed += 1;
      res.end('ok');
    });
    const host = await upstream((_req, res) => {
      res.writeHead(302, { location: `http://${target}/x` }).end();
    });
    const error = await transport([host, target])
      .send(call(host), { requestId: 'r2' })
      .catch((e: unknown) => e);
    expect((error as LinkgateError).code).toBe('PROVIDER_UNAVAILABLE');
    expect(followed).toBe(0);
  });

  it('refuses a host that is not a configured provider before opening a socket', async () => {
    let reached = 0;
    const host = await upstream((_req, res) => {
      reached += 1;
      res.end('ok');
    });
    const error = await transport(['127.0.0.1:1'])
      .send(call(host), { requestId: 'r3' })
      .catch((e: unknown) => e);
    expect((error as LinkgateError).code).toBe('INTERNAL');
    expect(reached).toBe(0);
  });

  it('does not retry a non-idempotent call after a connection reset', async () => {
    let attempts = 0;
    const host = await upstream((req) => {
      attempts += 1;
      req.socket.destroy();
    });
    const error = await transport([host])
      .send(call(host), { requestId: 'r4' })
      .catch((e: unknown) => e);
    expect((error as LinkgateError).code).toBe('PROVIDER_UNAVAILABLE');
    expect(attempts).toBe(1);
  });

  it('refuses an answer larger than allowed', async () => {
    const host = await upstream((_req, res) => res.end('x'.repeat(2 << 20)));
    const error = await transport([host])
      .send(call(host), { requestId: 'r5' })
      .catch((e: unknown) => e);
    expect((error as LinkgateError).code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('reuses one kept-alive connection for consecutive calls', async () => {
    const ports = new Set<number>();
    const host = await upstream((req, res) => {
      ports.add(req.socket.remotePort!);
      res.end('ok');
    });
    const t = transport([host]);
    for (let i = 0; i < 5; i += 1) await t.send(call(host), { requestId: `k${i}` });
    expect(ports.size).toBe(1);
  });

  it('sends the request id upstream and reads the answer', async () => {
    let seen: string | undefined;
    const host = await upstream((req, res) => {
      seen = req.headers['x-request-id'] as string;
      res.end('hello');
    });
    expect(await transport([host]).send(call(host), { requestId: 'req_abc' })).toBe('200:hello');
    expect(seen).toBe('req_abc');
  });
});
