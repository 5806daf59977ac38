import { pingpongSignOf } from './verify.ts';

export interface Delivery {
  url: string;
  status: string;
  attempt: number;
  answered: number | 'error';
}

export interface NotifierOptions {
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Waits between redeliveries of an unacknowledged notification (PingPong's schedule, accelerated). */
  retrySchedule?: readonly number[];
  /** Deliveries of each notification even when acknowledged: duplicates are normal at PingPong. */
  duplicates?: number;
}

/**
 * PingPong's notification delivery: the signed envelope POSTed `duplicates` times, each copy
 * redelivered on the (accelerated) schedule until it gets an empty 2xx.
 */
export class Notifier {
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: NotifierOptions) {}

  send(
    merchant: { accId: string; clientId: string; salt: string },
    url: string,
    business: Record<string, unknown>,
  ): void {
    const envelope: Record<string, unknown> = {
      accId: merchant.accId,
      clientId: merchant.clientId,
      code: '000000',
      description: 'Success',
      bizContent: JSON.stringify(business),
      signType: 'SHA256',
      version: '1.0',
    };
    envelope['sign'] = pingpongSignOf(envelope, merchant.salt, 'SHA256');
    const body = JSON.stringify(envelope);
    for (let copy = 0; copy < (this.options.duplicates ?? 2); copy += 1) {
      const delivery = this.deliver(url, body, String(business['status'])).finally(() =>
        this.inFlight.delete(delivery),
      );
      this.inFlight.add(delivery);
    }
  }

  /** Resolves when every notification under way has been delivered or given up. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async deliver(url: string, body: string, status: string): Promise<void> {
    const send = this.options.fetch ?? ((u: string, init: RequestInit) => fetch(u, init));
    const schedule = this.options.retrySchedule ?? [100, 100, 500, 1000, 2000];
    for (let attempt = 0; attempt <= schedule.length; attempt += 1) {
      let answered: number | 'error' = 'error';
      try {
        const response = await send(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(5000),
        });
        const text = await response.text();
        answered = response.status;
        this.deliveries.push({ url, status, attempt, answered });
        if (response.ok && text.trim() !== 'FAIL') return;
      } catch {
        this.deliveries.push({ url, status, attempt, answered });
      }
      const wait = schedule[attempt];
      if (wait === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
