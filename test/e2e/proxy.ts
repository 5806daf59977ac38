import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A round-robin proxy in front of several instances, as a merchant would run nginx. */
export interface Proxy {
  url: string;
  kind: 'nginx' | 'node';
  close(): Promise<void>;
}

/** Where each proxied answer came from, as nginx's `$upstream_addr` gives it. */
export const UPSTREAM_HEADER = 'x-upstream';

function nginxPath(): string | undefined {
  for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path;
  return undefined;
}

/** nginx when it is installed, else a small proxy in this process; both behave alike for the tests. */
export async function startProxy(
  upstreams: readonly number[],
  port: number,
  scratch: string,
): Promise<Proxy> {
  const nginx = process.env['LINKGATE_TEST_PROXY'] === 'node' ? undefined : nginxPath();
  return nginx ? startNginx(nginx, upstreams, port, scratch) : startNodeProxy(upstreams, port);
}

/** The README's configuration, with this run's ports and a scratch folder for nginx's own files. */
export function nginxConfig(upstreams: readonly number[], port: number, scratch: string): string {
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n');
  return `worker_processes 1;
daemon off;
pid ${scratch}/nginx.pid;
error_log ${scratch}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${scratch}/body;
  proxy_temp_path ${scratch}/proxy;
  fastcgi_temp_path ${scratch}/fastcgi;
  uwsgi_temp_path ${scratch}/uwsgi;
  scgi_temp_path ${scratch}/scgi;
  upstream linkgate {
${servers}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://linkgate;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
      proxy_read_timeout 15m;
      add_header ${UPSTREAM_HEADER} $upstream_addr always;
    }
  }
}
`;
}

async function startNginx(
  binary: string,
  upstreams: readonly number[],
  port: number,
  scratch: string,
): Promise<Proxy> {
  mkdirSync(scratch, { recursive: true });
  const file = join(scratch, 'nginx.conf');
  writeFileSync(file, nginxConfig(upstreams, port, scratch));
  const check = spawnSync(binary, ['-t', '-c', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx refused its configuration: ${check.stderr}`);
  const child: ChildProcess = spawn(binary, ['-c', file], { stdio: 'ignore' });
  await waitForPort(port, () => child.exitCode !== null);
  return {
    url: `http://127.0.0.1:${port}`,
    kind: 'nginx',
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function waitForPort(port: number, gaveUp: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    if (up) return;
    if (gaveUp()) throw new Error('the proxy exited at start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the proxy did not start');
}

/**
 * Round robin per request; X-Forwarded-For set to the client's address (a client's own value is
 * dropped, as the README's nginx configuration does); an instance that refuses the connection is
 * skipped for the next one, since nothing was sent to it; answers stream through unbuffered.
 */
function startNodeProxy(upstreams: readonly number[], port: number): Promise<Proxy> {
  let next = 0;
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number) => {
    const upstream = upstreams[next++ % upstreams.length]!;
    const headers = {
      ...req.headers,
      'x-forwarded-for': req.socket.remoteAddress ?? '',
      connection: 'keep-alive',
    };
    const out = request(
      { host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          [UPSTREAM_HEADER]: `127.0.0.1:${upstream}`,
        });
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && tries + 1 < upstreams.length)
        return forward(req, res, body, tries + 1);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => out.destroy());
    out.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        kind: 'node',
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      }),
    );
  });
}
