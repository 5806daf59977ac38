import { describeError, type Logger } from '../logger.ts';

export interface Job {
  name: string;
  /** 0 turns the job off (tests run it by hand). */
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Runs background jobs at their intervals, once the server is ready, never two runs of one job at
 * a time in this process; a failure is logged and the job runs again at its next turn.
 */
export function schedule(jobs: readonly Job[], ready: Promise<void>, logger: Logger): () => void {
  const timers = jobs
    .filter((job) => job.everyMs > 0)
    .map((job) => {
      let running = false;
      return setInterval(() => {
        if (running) return;
        running = true;
        void ready
          .then(() => job.run())
          .catch((error: unknown) =>
            logger.warn({ job: job.name, err: describeError(error) }, 'background job failed'),
          )
          .finally(() => (running = false));
      }, job.everyMs).unref();
    });
  return () => timers.forEach((timer) => clearInterval(timer));
}
