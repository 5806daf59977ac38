import { randomBytes } from 'node:crypto';
import pg from 'pg';

/*
 * The PostgreSQL the tests use: LINKGATE_TEST_POSTGRES_URL, else the server beside the machine
 * (127.0.0.1, database test). CI, or a URL given on purpose, makes the suites required: then an
 * unreachable server fails them instead of skipping them.
 */
const givenUrl = process.env['LINKGATE_TEST_POSTGRES_URL'];
const ci = process.env['CI'];
export const postgresUrl = givenUrl ?? 'postgres://postgres@127.0.0.1:5432/test';
export const postgresRequired =
  givenUrl !== undefined || (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false');

/** Runs `work` on a connection of its own to `url` (the tests' server by default), then closes it. */
export async function admin<T>(work: (client: pg.Client) => Promise<T>, url = postgresUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The URL without its password, fit for a log line. */
export function shown(address = postgresUrl): string {
  const parsed = new URL(address);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Why the server does not answer, or undefined when it does; when the suite is required, it throws. */
export async function postgresUnreachable(suite: string): Promise<string | undefined> {
  const unreachable = await admin((c) => c.query('SELECT 1')).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message || error.name : String(error)),
  );
  if (unreachable !== undefined && postgresRequired) {
    throw new Error(`${suite} needs PostgreSQL, but ${shown()} does not answer: ${unreachable}`);
  }
  if (unreachable !== undefined) {
    console.log(
      `${suite} skipped: no server at ${shown()} (${unreachable}); set LINKGATE_TEST_POSTGRES_URL or CI=1 to require it`,
    );
  }
  return unreachable;
}

/** Fresh schemas for one test file: stores opened on one share an empty database; all go at the end. */
export class TestSchemas {
  private readonly made: string[] = [];

  constructor(private readonly prefix: string) {}

  async fresh(): Promise<string> {
    const schema = `${this.prefix}_${randomBytes(6).toString('hex')}`;
    this.made.push(schema);
    await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
    return schema;
  }

  async dropAll(): Promise<void> {
    await admin(async (c) => {
      for (const schema of this.made) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });
  }
}
