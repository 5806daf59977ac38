import http from 'node:http';
import type { Express } from 'express';

/** A constructor that builds what `base` builds, with `prototype` as the instances' prototype. */
function bornWith<T>(base: T, prototype: object): T {
  function Born(this: object, ...args: unknown[]): void {
    (base as (...a: unknown[]) => void).apply(this, args);
  }
  Born.prototype = prototype;
  return Born as T;
}

/**
 * Options for the node:http server in front of an Express app: its requests and responses are born
 * with the app's `request` and `response` prototypes, so Express's `Object.setPrototypeOf` on each
 * of them finds nothing to change. A changed prototype gives each request and response a hidden
 * class of its own, allocated in V8's old generation: once per request, that filled the old
 * generation with garbage only a full collection frees, and those collections, every two or three
 * seconds under load with 10–25 ms of pauses, made most of the SSO launch's slowest 1 %.
 * Merchants who serve their own Express app can use it the same way:
 * `http.createServer(expressServerOptions(app), app)`.
 */
export function expressServerOptions(app: Express): http.ServerOptions {
  return {
    IncomingMessage: bornWith(http.IncomingMessage, app.request),
    ServerResponse: bornWith(http.ServerResponse, app.response),
  };
}
