import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { assert, assertEqual } from '../../test-support/assert.ts';
import { describe, it } from '../../test-support/mocha.ts';
import { LinkgateError } from '../errors.ts';
import { LaunchController, type Launch } from './launch.ts';

class FakeHost implements ReactiveControllerHost {
  readonly controllers: ReactiveController[] = [];
  updates = 0;
  readonly updateComplete = Promise.resolve(true);

  addController(controller: ReactiveController): void {
    this.controllers.push(controller);
  }

  removeController(): void {}

  requestUpdate(): void {
    this.updates += 1;
  }
}

/** A task whose outcome the test decides, and a log of the callbacks the controller made. */
function scripted<T>(): {
  launch: Launch<T>;
  log: string[];
  signal: () => AbortSignal | undefined;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  const log: string[] = [];
  let signal: AbortSignal | undefined;
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const launch: Launch<T> = {
    task: (taskSignal) => {
      signal = taskSignal;
      return new Promise<T>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
    },
    succeeded: (result) => log.push(`succeeded ${String(result)}`),
    failed: (error) => log.push(`failed ${error.code}`),
    abandoned: () => log.push('abandoned'),
  };
  return {
    launch,
    log,
    signal: () => signal,
    resolve: (value) => resolve(value),
    reject: (error) => reject(error),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve));

describe('LaunchController', () => {
  it('runs idle → working → idle and hands the result to succeeded', async () => {
    const host = new FakeHost();
    const controller = new LaunchController(host);
    assertEqual(host.controllers.length, 1, 'registered with the host');
    const { launch, log, resolve } = scripted<string>();
    assert(controller.start(launch), 'start accepted');
    assertEqual(controller.state, 'working', 'state while running');
    resolve('url');
    await settle();
    assertEqual(controller.state, 'idle', 'state after');
    assertEqual(log, ['succeeded url'], 'callbacks');
    assert(host.updates >= 2, 'asked the host to render each change');
  });

  it('goes to failed with a LinkgateError, turning other errors into INTERNAL', async () => {
    const controller = new LaunchController(new FakeHost());
    const first = scripted<string>();
    controller.start(first.launch);
    first.reject(new LinkgateError('RATE_LIMITED', 'Slow down.', true));
    await settle();
    assertEqual(controller.state, 'failed', 'state');
    assertEqual(controller.error?.code, 'RATE_LIMITED', 'error');

    const second = scripted<string>();
    controller.start(second.launch);
    assertEqual(controller.error, undefined, 'error cleared by the next launch');
    second.reject(new TypeError('a bug'));
    await settle();
    assertEqual(second.log, ['failed INTERNAL'], 'callbacks');
  });

  it('refuses a second launch while one is in flight', async () => {
    const controller = new LaunchController(new FakeHost());
    const first = scripted<string>();
    const second = scripted<string>();
    assert(controller.start(first.launch), 'first accepted');
    assert(!controller.start(second.launch), 'second refused');
    assertEqual(second.signal(), undefined, 'the second task never ran');
    first.resolve('a');
    await settle();
    assert(controller.start(second.launch), 'accepted once the first ended');
  });

  it('aborts on host disconnect: the signal aborts, abandoned runs at once, the late result is dropped', async () => {
    const controller = new LaunchController(new FakeHost());
    const { launch, log, signal, resolve } = scripted<string>();
    controller.start(launch);
    controller.hostDisconnected();
    assertEqual(signal()?.aborted, true, 'signal aborted');
    assertEqual(controller.state, 'idle', 'state');
    assertEqual(log, ['abandoned'], 'callbacks at abort');
    resolve('stale');
    await settle();
    assertEqual(log, ['abandoned'], 'callbacks after the stale result');
  });

  it('drops the result of an aborted launch even after a new one started', async () => {
    const controller = new LaunchController(new FakeHost());
    const first = scripted<string>();
    const second = scripted<string>();
    controller.start(first.launch);
    controller.abort();
    controller.start(second.launch);
    first.resolve('stale');
    await settle();
    assertEqual(controller.state, 'working', 'the second launch still runs');
    second.resolve('fresh');
    await settle();
    assertEqual(first.log, ['abandoned'], 'first callbacks');
    assertEqual(second.log, ['succeeded fresh'], 'second callbacks');
  });

  it('abort forgets a failed outcome as well as abandoning a launch in flight', async () => {
    const controller = new LaunchController(new FakeHost());
    const failed = scripted<string>();
    controller.start(failed.launch);
    failed.reject(new LinkgateError('PROVIDER_DISABLED', 'Off.', false));
    await settle();
    controller.abort();
    assertEqual([controller.state, controller.error], ['idle', undefined], 'state and error after a failure');

    const running = scripted<string>();
    controller.start(running.launch);
    controller.abort();
    assertEqual(running.signal()?.aborted, true, 'signal of the launch in flight');
    assertEqual(controller.state, 'idle', 'state');
  });
});
