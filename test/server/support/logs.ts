import { createLogger, type Logger } from '../../../server/src/logger.ts';

/** A logger whose every line is kept, so tests can search the log for what must not be there. */
export function collectingLogger(secrets: string[] = []): {
  logger: Logger;
  lines: string[];
  text(): string;
} {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => lines.push(line) },
    secrets,
  });
  return { logger, lines, text: () => lines.join('') };
}
