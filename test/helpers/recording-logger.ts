import type { AuditLogger } from '../../lambda/app/pipeline';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  data: Record<string, unknown>;
}

/** Captures the structured records the pipeline writes, as the Powertools Logger would receive them. */
export class RecordingLogger implements AuditLogger {
  readonly entries: LogEntry[] = [];
  info(message: string, ...extra: Record<string, unknown>[]) { this.entries.push({ level: 'info', message, data: Object.assign({}, ...extra) }); }
  warn(message: string, ...extra: Record<string, unknown>[]) { this.entries.push({ level: 'warn', message, data: Object.assign({}, ...extra) }); }
  error(message: string, ...extra: Record<string, unknown>[]) { this.entries.push({ level: 'error', message, data: Object.assign({}, ...extra) }); }
  find(message: string): LogEntry[] { return this.entries.filter((e) => e.message === message); }
}
