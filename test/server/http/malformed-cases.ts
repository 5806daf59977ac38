import {
  BAD_ESCAPES,
  BAD_JSON,
  CONTENT_TYPES,
  CONTROLS,
  IDEMPOTENCY_KEYS,
  METHODS,
  ORIGINS,
  PROVIDERS,
  ROUTES,
  badAuthorizations,
  type RouteSpec,
} from './malformed-inputs.ts';
import type { RawRequest } from './raw-http.ts';

/** What a probe may use: the harness's origin and credentials. */
export interface Credentials {
  apiKey: string;
  sessionToken: string;
  origin: string;
}

export interface Probe {
  family: string;
  label: string;
  request: RawRequest;
  /** Where the code is known exactly, whatever else the route checks. */
  expectCode?: string;
}

/** One change to a route's well-formed request. */
interface Variant {
  label: string;
  change: Partial<RawRequest>;
  expectCode?: string;
}

type Random = () => number;
type Family = (
  route: RouteSpec,
  base: Required<RawRequest>,
  random: Random,
  credentials?: Credentials,
) => Variant[];

/** A small seeded generator (mulberry32): the same seed gives the same probes on every run. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct items of `items`, chosen by `random`. */
function pick<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return out;
}

const pathOf = (segments: string[]) =>
  `/${segments.map((s) => (s.startsWith(':') ? s.slice(1) : s)).join('/')}`;
const paramIndexes = (route: RouteSpec) =>
  route.segments.flatMap((segment, index) => (segment.startsWith(':') ? [index] : []));
const withSegment = (route: RouteSpec, index: number, value: string) =>
  pathOf(route.segments.map((segment, i) => (i === index ? value : segment)));
const replaceHeader = (headers: Array<[string, string]>, header: string, values: string[]) => [
  ...headers.filter(([k]) => k !== header),
  ...values.map((v): [string, string] => [header, v]),
];

/**
 * The route's own request, well formed; with `credentials`, the API key or the session and an
 * allowed origin. Each probe changes one part of it.
 */
function baseRequest(route: RouteSpec, credentials: Credentials | undefined): Required<RawRequest> {
  const headers: Array<[string, string]> = [...(route.headers ?? [])];
  if (credentials && route.caller === 'merchant')
    headers.push(['authorization', `Bearer ${credentials.apiKey}`]);
  if (credentials && route.caller === 'browser') {
    headers.push(['authorization', `Bearer ${credentials.sessionToken}`], ['origin', credentials.origin]);
  }
  if (route.body) headers.push(['content-type', route.body.type]);
  return {
    method: route.method,
    target: pathOf(route.segments) + (route.query ? `?${route.query}` : ''),
    headers,
    body: Buffer.from(route.body?.text ?? '', 'utf8'),
  };
}

const undecodablePath: Family = (route, _base, random) => {
  const variants = route.segments.flatMap((segment, index) =>
    pick(random, BAD_ESCAPES, 2).map((escape) => {
      const value = random() < 0.5 ? escape : `${segment.replace(/^:/, '')}${escape}`;
      // A /v1 parameter that does not decode is the client's mistake on a route that exists.
      const param = segment.startsWith(':') && route.segments[0] === 'v1';
      return {
        label: `segment ${index} = ${value}`,
        change: { target: withSegment(route, index, value) },
        ...(param ? { expectCode: 'INVALID_REQUEST' } : {}),
      };
    }),
  );
  // A JSON launch never reads its query: there, bad escapes would leave a valid request.
  if (route.body && !route.query) return variants;
  const target = `${pathOf(route.segments)}?%ff=%fe&state=%00%e0`;
  return [...variants, { label: 'bad escapes in the query', change: { target } }];
};

const controlCharacters: Family = (route, _base, random) =>
  paramIndexes(route).flatMap((index) =>
    pick(random, CONTROLS, 3).map((control) => ({
      label: `segment ${index} = ${control}`,
      change: { target: withSegment(route, index, control) },
    })),
  );

const overlongPath: Family = (route) => {
  const last = paramIndexes(route).at(-1) ?? route.segments.length - 1;
  return [
    ...[256, 2048, 8192].map((length) => ({
      label: `segment ${last} of ${length} characters`,
      change: { target: withSegment(route, last, 'a'.repeat(length)) },
    })),
    { label: '1000 extra segments', change: { target: pathOf(route.segments) + '/x'.repeat(1000) } },
  ];
};

const wrongMethod: Family = (route, _base, random) =>
  pick(
    random,
    METHODS.filter((m) => m !== route.method),
    3,
  ).map((method) => ({ label: method, change: { method } }));

const contentType: Family = (route, base, random) =>
  !route.body
    ? []
    : pick(random, CONTENT_TYPES, 4).map((type) => ({
        label: `content-type ${JSON.stringify(type)}`,
        change: { headers: replaceHeader(base.headers, 'content-type', type === undefined ? [] : [type]) },
      }));

const body: Family = (route, _base, random) =>
  !route.body
    ? []
    : pick(random, BAD_JSON, 7).map(([label, text]) => ({
        label,
        change: { body: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8') },
      }));

const oversizeBody: Family = (route) => {
  if (!route.body) return [];
  const padding = route.body.limit + 1 - Buffer.byteLength('{"pad":""}');
  const change = { body: Buffer.from(`{"pad":"${'x'.repeat(padding)}"}`) };
  return [{ label: `${route.body.limit + 1} bytes`, change }];
};

const unknownProvider: Family = (route, _base, random) => {
  const index = route.segments.findIndex((s) => s === ':igv' || s === ':pingpong');
  const inPath = (index < 0 ? [] : pick(random, PROVIDERS, 4)).map((provider) => ({
    label: `provider ${provider}`,
    change: { target: withSegment(route, index, encodeURIComponent(provider)) },
  }));
  const text = route.body?.text ?? '';
  const inBody = (/"provider"/.test(text) ? pick(random, PROVIDERS, 3) : []).map((provider) => ({
    label: `body provider ${provider}`,
    change: {
      body: Buffer.from(text.replace(/"provider":"[^"]*"/, `"provider":${JSON.stringify(provider)}`)),
    },
  }));
  return [...inPath, ...inBody];
};

const origin: Family = (route, base, random, credentials) => {
  if (route.caller !== 'browser' || !credentials) return [];
  const withOrigins = (values: string[]) => replaceHeader(base.headers, 'origin', values);
  return [
    ...pick(random, ORIGINS, 3).map((value) => ({
      label: `origin ${JSON.stringify(value)}`,
      change: { headers: withOrigins([value]) },
    })),
    {
      label: 'two origins, the foreign one first',
      change: { headers: withOrigins(['https://evil.example', credentials.origin]) },
    },
    {
      label: 'no origin, claiming same-origin',
      change: { headers: [...withOrigins([]), ['sec-fetch-site', 'same-origin']] },
    },
  ];
};

const idempotencyKey: Family = (route, base) => {
  if (!route.headers?.some(([k]) => k === 'idempotency-key')) return [];
  const withKeys = (keys: string[]) => ({ headers: replaceHeader(base.headers, 'idempotency-key', keys) });
  return [
    ...IDEMPOTENCY_KEYS.map((key) => ({
      label: `Idempotency-Key ${JSON.stringify(key.slice(0, 20))}`,
      change: withKeys(key === '' ? [] : [key]),
    })),
    { label: 'two keys', change: withKeys(['order-0001-key', 'order-0002-key']) },
  ];
};

/** Run only with credentials, so that the Authorization header is the one thing wrong. */
const authorization: Family = (route, base, random, credentials) => {
  if (route.caller === 'public' || !credentials) return [];
  const { apiKey, sessionToken } = credentials;
  const [valid, other] = route.caller === 'merchant' ? [apiKey, sessionToken] : [sessionToken, apiKey];
  return pick(random, badAuthorizations(valid, other), 8).map(([label, values]) => ({
    label: `authorization ${label}`,
    change: { headers: replaceHeader(base.headers, 'authorization', values) },
    expectCode: 'UNAUTHENTICATED',
  }));
};

const FAMILIES: Record<string, Family> = {
  'undecodable path': undecodablePath,
  'control characters': controlCharacters,
  'overlong path': overlongPath,
  'wrong method': wrongMethod,
  'content type': contentType,
  body,
  'oversize body': oversizeBody,
  'unknown provider': unknownProvider,
  origin,
  'idempotency key': idempotencyKey,
  authorization,
};

/** The whole deterministic set: every route × every family, with and without credentials. */
export function malformedProbes(seed: number, credentials: Credentials): Probe[] {
  const random = seeded(seed);
  return ROUTES.flatMap((route) =>
    [credentials, undefined].flatMap((given) => {
      const base = baseRequest(route, given);
      const who = route.caller === 'public' ? '' : given ? ' with credentials' : ' without credentials';
      return Object.entries(FAMILIES).flatMap(([family, variants]) =>
        variants(route, base, random, given).map(({ label, change, expectCode }) => ({
          family,
          label: `${route.method} ${pathOf(route.segments)}${who}: ${label}`,
          request: { ...base, ...change },
          ...(expectCode ? { expectCode } : {}),
        })),
      );
    }),
  );
}
