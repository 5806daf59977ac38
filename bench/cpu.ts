/**
 * `npx tsx bench/cpu.ts [requests] [rounds]`: CPU time per SSO request of the BFF (main thread and
 * other threads), the upstream and the load generator, over `requests` closed-loop requests after a
 * warm-up, for `rounds` rounds. CPU time per request depends far less on what else the machine runs
 * than a rate does, so this is how a change to the SSO path is measured before and after.
 */
import { closedLoop, sender } from './load.ts';
import { cpuSnapshot, startRig } from './rig.ts';

const requests = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 3);
const rig = await startRig();
const target = sender(rig.sso, 64);
const int = (value: number) => Math.round(value).toLocaleString('en-US');

try {
  await closedLoop(target, { concurrency: 32, requests: 5_000, durationMs: 120_000 });
  for (let round = 0; round < rounds; round += 1) {
    const before = await cpuSnapshot(rig);
    const run = await closedLoop(target, { concurrency: 32, requests, durationMs: 300_000 });
    const after = await cpuSnapshot(rig);
    const per = (key: 'bff' | 'bffMain' | 'upstream' | 'load') =>
      ((after[key] ?? Number.NaN) - (before[key] ?? Number.NaN)) / run.completed;
    process.stdout.write(
      `round ${round + 1}: ${int(run.completed)} requests at ${int(run.rate)}/s, ${run.errors} errors; ` +
        `CPU µs per request: BFF ${int(per('bff'))} (main thread ${int(per('bffMain'))}, other threads ` +
        `${int(per('bff') - per('bffMain'))}), upstream ${int(per('upstream'))}, load generator ${int(per('load'))}\n`,
    );
  }
} finally {
  target.close();
  await rig.close();
}
