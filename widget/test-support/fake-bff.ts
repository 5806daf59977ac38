/* The browser side of fake-bff.mjs: a fresh fake BFF per test, its queued answers and what it received. */

export interface FakeAnswer {
  status?: number;
  json?: unknown;
  text?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  route: string;
  contentType: string;
  authorization: string;
  cookie: string;
  body: string;
}

export interface FakeBff {
  /** The value for the elements' `api-base`. */
  readonly apiBase: string;
  requests(): Promise<RecordedRequest[]>;
}

export async function fakeBff(...answers: FakeAnswer[]): Promise<FakeBff> {
  const apiBase = `${window.location.origin}/fake-bff/${crypto.randomUUID()}`;
  await fetch(`${apiBase}/__answers`, { method: 'POST', body: JSON.stringify(answers) });
  return {
    apiBase,
    requests: async () => (await (await fetch(`${apiBase}/__requests`)).json()) as RecordedRequest[],
  };
}

/** A 200 with a fresh one-time code; the default when the queue is empty. */
export const freshCode: FakeAnswer = {};

export function errorAnswer(status: number, code: string, message: string, retryable = false): FakeAnswer {
  return { status, json: { error: { code, message, retryable, requestId: 'req-test' } } };
}

export function redirectAnswer(redirectUrl: string): FakeAnswer {
  return { json: { redirectUrl } };
}
