import { EventEmitter } from 'node:events';

/**
 * In-process fan-out of link status changes to the browser's event streams. With several
 * instances a change made on another one reaches the browser through its polling fallback.
 */
export class LinkEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open stream; streams are bounded by sessions, not by this limit.
    this.emitter.setMaxListeners(0);
  }

  publish(linkId: string): void {
    this.emitter.emit(linkId);
  }

  subscribe(linkId: string, listener: () => void): () => void {
    this.emitter.on(linkId, listener);
    return () => this.emitter.off(linkId, listener);
  }
}
