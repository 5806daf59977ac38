import { LinkgateError } from '../errors.ts';

const MAX_PATH = 1024;
// RFC 3986 path and query characters; no backslash, no fragment, no whitespace or controls.
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/;

/**
 * Accepts only a plain path on the provider's page origin and returns the absolute URL.
 * The URL parser must give back exactly what was sent: anything it would normalise
 * (`//host`, `/\host`, dot segments, encoded slashes) is refused rather than interpreted.
 */
export function resolvePagePath(path: string, pageOrigin: string): URL {
  const invalid = () =>
    new LinkgateError('INVALID_REQUEST', 'path must be a plain path on the provider page.');
  if (path.length > MAX_PATH || !PLAIN_PATH.test(path) || path.startsWith('//')) throw invalid();
  if (/%(2f|5c|2e|00)/i.test(path) || /\/\.\.?(\/|\?|$)/.test(path)) throw invalid();
  let url: URL;
  try {
    url = new URL(path, pageOrigin);
  } catch {
    throw invalid();
  }
  if (url.origin !== new URL(pageOrigin).origin || `${url.pathname}${url.search}` !== path) throw invalid();
  return url;
}
