import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { expect } from 'vitest';

/* Checks answers of the running server against docs/openapi.yaml: status, headers, media type, body. */

export const DOC_PATH = new URL('../../../docs/openapi.yaml', import.meta.url).pathname;
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'] as const;
const ID = 'https://linkgate.invalid/openapi';

type Json = Record<string, any>;

export function loadDocument(path = DOC_PATH): Json {
  return parse(readFileSync(path, 'utf8')) as Json;
}

/** Problems the OpenAPI 3.1 schema finds in the document (none when it is valid). */
export async function documentProblems(doc: Json): Promise<unknown> {
  const result = await new Validator().validate(structuredClone(doc));
  return result.valid ? [] : result.errors;
}

/** Every documented operation as `METHOD /path/:param`, the way Express names its routes. */
export function documentedRoutes(doc: Json): string[] {
  return Object.entries(doc['paths'] as Json).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as Json)[method]).map(
      (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
    ),
  );
}

/** Every route the Express router answers, walking nested routers; `all` is GET and POST here. */
export function serverRoutes(stack: any[], out: string[] = []): string[] {
  for (const layer of stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods as Json).flatMap((method) =>
        method === '_all' ? ['get', 'post'] : [method],
      );
      for (const path of [layer.route.path].flat() as string[])
        for (const method of methods) out.push(`${method.toUpperCase()} ${path}`);
    } else if (Array.isArray(layer.handle?.stack)) serverRoutes(layer.handle.stack, out);
  }
  return out;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class ContractCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  /** `METHOD /path STATUS` of every documented answer the test has seen. */
  readonly exercised = new Set<string>();

  constructor(readonly doc: Json) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ ...doc, $id: ID });
  }

  /** The documented answers: `METHOD /path STATUS`. */
  documentedAnswers(): string[] {
    return Object.entries(this.doc['paths'] as Json).flatMap(([path, item]) =>
      METHODS.filter((method) => (item as Json)[method]).flatMap((method) =>
        Object.keys((item as Json)[method].responses as Json).map(
          (status) => `${method.toUpperCase()} ${path} ${status}`,
        ),
      ),
    );
  }

  /** The response object and the JSON pointer to it, following a `$ref` into components. */
  private responseOf(method: string, path: string, status: number): { response: Json; at: string } {
    const operation = (this.doc['paths'] as Json)[path]?.[method.toLowerCase()] as Json | undefined;
    expect(operation, `${method} ${path} is not documented`).toBeDefined();
    const responses = operation!['responses'] as Json;
    const key = String(status) in responses ? String(status) : `${String(status)[0]}XX`;
    expect(responses[key], `${method} ${path} answered ${status}, which is not documented`).toBeDefined();
    this.exercised.add(`${method} ${path} ${key}`);
    const ref = responses[key]['$ref'] as string | undefined;
    if (ref) {
      const name = ref.split('/').pop()!;
      return {
        response: this.doc['components']['responses'][name] as Json,
        at: pointer('components', 'responses', name),
      };
    }
    return {
      response: responses[key] as Json,
      at: pointer('paths', path, method.toLowerCase(), 'responses', key),
    };
  }

  private validate(at: string, value: unknown, what: string): void {
    const validate = this.ajv.getSchema(`${ID}#/${at}`);
    expect(validate, `no schema at ${at}`).toBeDefined();
    const valid = validate!(value);
    expect(valid, `${what}: ${JSON.stringify(validate!.errors)}\n${JSON.stringify(value)}`).toBe(true);
  }

  /**
   * Checks one answer against the document: its status is documented, required headers are there
   * and match, the media type is one documented, a JSON body validates, and a stream's first event.
   */
  async check(method: string, path: string, answer: Response): Promise<void> {
    const { response, at } = this.responseOf(method, path, answer.status);
    const what = `${method} ${path} ${answer.status}`;
    for (const [name, header] of Object.entries((response['headers'] ?? {}) as Json)) {
      const name$ = name.toLowerCase();
      const schemaAt = `${at}/headers/${pointer(name)}`;
      const resolved = header['$ref']
        ? this.doc['components']['headers'][header['$ref'].split('/').pop()]
        : header;
      const value = answer.headers.get(name$);
      if (resolved['required']) expect(value, `${what}: header ${name}`).not.toBeNull();
      if (value !== null)
        this.validate(
          header['$ref']
            ? `components/headers/${header['$ref'].split('/').pop()}/schema`
            : `${schemaAt}/schema`,
          value,
          `${what} header ${name}`,
        );
    }
    const content = response['content'] as Json | undefined;
    const type = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!content) {
      if (answer.status === 204 || answer.status === 202) expect(await answer.text()).toBe('');
      else await answer.arrayBuffer();
      return;
    }
    const media = type in content ? type : '*/*' in content ? '*/*' : undefined;
    expect(media, `${what}: content type ${type} is not documented`).toBeDefined();
    const mediaAt = `${at}/content/${pointer(media!)}`;
    if (media === 'application/json') this.validate(`${mediaAt}/schema`, await answer.json(), what);
    else if (media === 'text/event-stream') {
      const reader = answer.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
      void reader.cancel();
      const first = text.split('\n\n')[0]!;
      expect(first.startsWith('data: '), `${what}: first event ${first}`).toBe(true);
      this.validate(`${mediaAt}/x-item-schema`, JSON.parse(first.slice(6)), `${what} event`);
    } else this.validate(`${mediaAt}/schema`, await answer.text(), what);
  }
}
