// Prometheus text exposition for the few counters an operator watches.
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();

  constructor() {
    this.define('escalation_desk_http_requests_total', 'HTTP requests answered, by route, method and status');
    this.define('escalation_desk_escalations_created_total', 'Escalations created, by target and severity');
  }

  define(name: string, help: string): void {
    if (!this.counters.has(name)) this.counters.set(name, { help, values: new Map() });
  }

  increment(name: string, labels: Record<string, string | number>, by = 1): void {
    const counter = this.counters.get(name);
    if (!counter) throw new Error(`metric ${name} is not defined`);
    const key = Object.entries(labels)
      .map(([k, v]) => `${k}="${String(v).replace(/["\\\n]/g, '_')}"`)
      .join(',');
    counter.values.set(key, (counter.values.get(key) ?? 0) + by);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, value] of values) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    const memory = process.memoryUsage();
    lines.push(
      '# HELP escalation_desk_process_resident_memory_bytes Resident memory',
      '# TYPE escalation_desk_process_resident_memory_bytes gauge',
      `escalation_desk_process_resident_memory_bytes ${memory.rss}`,
      '# HELP escalation_desk_process_uptime_seconds Seconds since start',
      '# TYPE escalation_desk_process_uptime_seconds gauge',
      `escalation_desk_process_uptime_seconds ${Math.round(process.uptime())}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
