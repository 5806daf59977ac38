import { AsyncLocalStorage } from 'node:async_hooks';

/** What code that learns a secret tells the log about it. */
export interface SecretWitness {
  /** A value that must never be written to the log (a token, a code, a buyer's phone). */
  remember(value: string): void;
}

/** Shorter values carry too little to matter, and scrubbing them would garble every line. */
const MIN_LENGTH = 4;
/** How long a secret learned in one request stays scrubbed from every line of the process. */
const DEFAULT_KEEP_MS = 30 * 60 * 1000;
const DEFAULT_CAPACITY = 20_000;
/** A value met again is kept longer once a thirtieth of its time has passed, not on every meeting. */
const REFRESH_PARTS = 30;
/** JSON's own words: never a secret, and everywhere in a log line. */
const JSON_WORDS = new Set(['null', 'true', 'false']);

/** The forms a value takes inside a JSON log line (quotes, backslashes and controls escaped). */
function formsOf(value: string): string[] {
  // Only quotes, backslashes, controls and surrogates can read differently inside JSON.
  // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
  if (!/["\\\u0000-\u001f\ud800-\udfff]/.test(value)) return [value];
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped === value ? [value] : [value, escaped];
}

function unescape(escaped: string): string {
  try {
    return JSON.parse(`"${escaped}"`) as string;
  } catch {
    return escaped;
  }
}

/** Every string leaf of a JSON text, or the text itself when it is not JSON. */
function leavesOf(text: string): string[] {
  // A token or a code is no JSON text: spare the parser its exception (a third of ingest's scrubbing).
  if (!/^\s*[[{"\-0-9tfn]/.test(text)) return [text];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [text];
  }
  const found: string[] = [text];
  const visit = (node: unknown) => {
    if (typeof node === 'string') found.push(node);
    else if (typeof node === 'number') found.push(String(node));
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(parsed);
  return found;
}

/**
 * Scrubbing by value: every secret the server learns is registered here, and no log line is
 * written with it in. Configured keys and salts stay for the life of the process; a value learned
 * while answering a request (a buyer's data, a provider token or code as it arrives or is opened)
 * is scrubbed from that request's lines and, for a while after, from every line of the process,
 * since background jobs and later requests may meet it again in a provider's text.
 */
export class LogSecrets implements SecretWitness {
  private readonly configured = new Set<string>();
  /** Value → when it stops being scrubbed process-wide, oldest first. */
  private readonly kept = new Map<string, number>();
  /**
   * The kept values by their first MIN_LENGTH characters: a line is scrubbed by looking up each of
   * its positions, in time proportional to the line, not to the thousands of values kept.
   */
  private readonly byPrefix = new Map<string, Set<string>>();
  private readonly request = new AsyncLocalStorage<Set<string>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly keepMs = DEFAULT_KEEP_MS,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** Configured secrets: API key, salts, key material. */
  configure(values: Iterable<string>): void {
    for (const value of values) {
      if (value.length >= MIN_LENGTH) for (const form of formsOf(value)) this.configured.add(form);
    }
  }

  /** Runs `next` with its own set of secrets: what it learns is scrubbed from its lines at once. */
  inRequest<T>(next: () => T): T {
    return this.request.run(new Set(), next);
  }

  remember(value: string): void {
    if (value.length < MIN_LENGTH || JSON_WORDS.has(value)) return;
    const scope = this.request.getStore();
    const until = this.now() + this.keepMs;
    for (const form of formsOf(value)) {
      scope?.add(form);
      // A value met again soon (a buyer's profile, opened on every click) keeps its place: moving it
      // to the end on every request churned the map into a rehash every few hundred requests.
      const kept = this.kept.get(form);
      if (kept !== undefined && until - kept < this.keepMs / REFRESH_PARTS) continue;
      if (kept !== undefined) this.kept.delete(form);
      else this.index(form);
      this.kept.set(form, until);
    }
    while (this.kept.size > this.capacity) this.forget(this.kept.keys().next().value!);
  }

  private index(value: string): void {
    const prefix = value.slice(0, MIN_LENGTH);
    const values = this.byPrefix.get(prefix);
    if (values) values.add(value);
    else this.byPrefix.set(prefix, new Set([value]));
  }

  private forget(value: string): void {
    this.kept.delete(value);
    const prefix = value.slice(0, MIN_LENGTH);
    const values = this.byPrefix.get(prefix);
    values?.delete(value);
    if (values?.size === 0) this.byPrefix.delete(prefix);
  }

  /** A plaintext about to be sealed or just opened: the text and every string inside it. */
  rememberSealed(plaintext: string): void {
    for (const leaf of leavesOf(plaintext)) this.remember(leaf);
  }

  scrub(line: string): string {
    const now = this.now();
    const found: string[] = [];
    const look = (value: string) => {
      if (!line.includes(value)) return;
      found.push(value);
      // An escaped form matched the line: inside the parsed object the value reads unescaped.
      if (value.includes('\\')) found.push(unescape(value));
    };
    this.configured.forEach(look);
    this.request.getStore()?.forEach(look);
    const expired: string[] = [];
    for (let at = 0; at + MIN_LENGTH <= line.length; at += 1) {
      const candidates = this.byPrefix.get(line.slice(at, at + MIN_LENGTH));
      if (!candidates) continue;
      for (const value of candidates) {
        if (!line.startsWith(value, at) || found.includes(value)) continue;
        if (this.kept.get(value)! > now) look(value);
        else expired.push(value);
      }
    }
    expired.forEach((value) => this.forget(value));
    if (found.length === 0) return line;
    // Longest first, so a value is not half-replaced through a shorter one inside it.
    found.sort((a, b) => b.length - a.length);
    const replace = (text: string) => found.reduce((safe, value) => safe.split(value).join('[secret]'), text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return replace(line);
    }
    // Inside the log object, so a secret that is a number or spans a quote leaves valid JSON behind.
    const visit = (node: unknown): unknown => {
      if (typeof node === 'string') return replace(node);
      if (typeof node === 'number') return found.includes(String(node)) ? '[secret]' : node;
      if (Array.isArray(node)) return node.map(visit);
      if (node && typeof node === 'object')
        return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, visit(value)]));
      return node;
    };
    return `${JSON.stringify(visit(parsed))}${line.endsWith('\n') ? '\n' : ''}`;
  }
}
