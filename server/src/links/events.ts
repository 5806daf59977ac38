import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Coordination } from '../store/coordination.ts';

const CHANNEL = 'linkgate_events';

/**
 * Fan-out of link (and payment) status changes to the browser's event streams. Listeners are
 * told "look again", never what changed: a stream re-reads its row. Once `connect`ed to a shared
 * store, a change published on any instance reaches every instance's listeners through it; after
 * the shared channel drops and comes back, every listener looks again, for what it may have missed.
 */
export class LinkEvents {
  private readonly emitter = new EventEmitter();
  /** Tells this instance's own messages apart when the channel echoes them back. */
  private readonly instance = randomBytes(8).toString('hex');
  private coordination: Coordination | undefined;
  private unsubscribe: (() => void) | undefined;
  private onError: (error: unknown) => void = () => undefined;

  constructor() {
    // One listener per open stream; streams are bounded by sessions, not by this limit.
    this.emitter.setMaxListeners(0);
  }

  /** Shares changes with every instance on the same store; nothing to do on an unshared one. */
  connect(coordination: Coordination, onError: (error: unknown) => void = () => undefined): void {
    if (!coordination.shared || this.coordination) return;
    this.coordination = coordination;
    this.onError = onError;
    this.unsubscribe = coordination.subscribe(CHANNEL, {
      message: (payload) => {
        const [from, id] = payload.split(' ');
        if (from !== this.instance && id) this.emitter.emit(id);
      },
      resync: () => {
        for (const id of this.emitter.eventNames()) this.emitter.emit(id);
      },
    });
  }

  publish(linkId: string): void {
    this.emitter.emit(linkId);
    void this.coordination?.publish(CHANNEL, `${this.instance} ${linkId}`).catch(this.onError);
  }

  subscribe(linkId: string, listener: () => void): () => void {
    this.emitter.on(linkId, listener);
    return () => this.emitter.off(linkId, listener);
  }

  disconnect(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.coordination = undefined;
  }
}
