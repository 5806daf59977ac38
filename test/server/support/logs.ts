import { createLogger, type Logger } from '../../../server/src/logger.ts';

/** A logger whose every line is kept, so tests can search the log for what must not be there. */
export function collectingLogger(secrets: string[] = []): {
  logger: Logger;
  /** Hand this to the server instead of `logger`, so it builds its own logger with its own secrets. */
  destination: { write(line: string): unknown };
  lines: string[];
  text(): string;
} {
  const lines: string[] = [];
  const destination = { write: (line: string) => lines.push(line) };
  const logger = createLogger({ level: 'debug', destination, secrets });
  return { logger, destination, lines, text: () => lines.join('') };
}
