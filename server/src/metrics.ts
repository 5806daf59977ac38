/** Prometheus text exposition, kept to the few series we publish. */
type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}="${String(labels[name]).replace(/["\\\n]/g, '_')}"`)
    .join(',');
}

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe(labels: Labels, seconds: number): void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) s.counts[i]! += 1;
    });
    s.sum += seconds;
    s.count += 1;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? ',' : '';
      BUCKETS.forEach((bound, i) =>
        lines.push(`${this.name}_bucket{${k}${sep}le="${bound}"} ${s.counts[i]}`),
      );
      lines.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class Metrics {
  readonly httpRequests = new Counter('linkgate_http_requests_total', 'HTTP requests by route and status.');
  readonly httpDuration = new Histogram('linkgate_http_request_duration_seconds', 'HTTP request duration.');
  readonly providerCalls = new Counter(
    'linkgate_provider_calls_total',
    'Outbound provider calls by outcome.',
  );
  readonly providerDuration = new Histogram(
    'linkgate_provider_call_duration_seconds',
    'Provider call duration.',
  );
  readonly webhookDeliveries = new Counter(
    'linkgate_webhook_deliveries_total',
    'Webhook events the merchant endpoint acknowledged with a 2xx, by event type.',
  );
  readonly webhookFailures = new Counter(
    'linkgate_webhook_failures_total',
    'Webhook attempts that failed, by reason (http_status, redirect, timeout, network).',
  );
  readonly deadLetters = new Counter(
    'linkgate_notifications_dead_lettered_total',
    'Authentic provider notifications that could not be read, acknowledged and kept sealed, by provider.',
  );
  readonly webhookGaveUp = new Counter(
    'linkgate_webhook_given_up_total',
    'Webhook events no longer retried after their retry window.',
  );
  private readonly gauges = new Map<string, () => string>();

  /** A gauge read at scrape time, e.g. a breaker's state. */
  gauge(name: string, help: string, read: () => Array<[Labels, number]>): void {
    this.gauges.set(name, () =>
      [
        `# HELP ${name} ${help}`,
        `# TYPE ${name} gauge`,
        ...read().map(([l, v]) => `${name}{${key(l)}} ${v}`),
      ].join('\n'),
    );
  }

  render(): string {
    const parts = [
      this.httpRequests,
      this.httpDuration,
      this.providerCalls,
      this.providerDuration,
      this.webhookDeliveries,
      this.webhookFailures,
      this.webhookGaveUp,
      this.deadLetters,
    ].map((m) => m.render());
    for (const render of this.gauges.values()) parts.push(render());
    return `${parts.join('\n')}\n`;
  }
}
