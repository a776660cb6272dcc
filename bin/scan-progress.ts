/**
 * Progress of a scan on stderr, only when stderr is a terminal (a pipe or a CI log gets the
 * results and nothing else). One bar per kind; its total grows as the listing goes on.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

export type ScanKind = 'buckets' | 'groups';

export interface ScanProgress {
  listed(kind: ScanKind): void;
  done(kind: ScanKind): void;
  finished(kind: ScanKind, status: string): void;
  stop(): void;
}

export const QUIET: ScanProgress = { listed: () => undefined, done: () => undefined, finished: () => undefined, stop: () => undefined };

export function terminalProgress(stream: NodeJS.WritableStream): ScanProgress {
  const multi = new MultiBar({
    stream, format: ' {kind} {bar} {value}/{total} {status}', barsize: 30, hideCursor: true, clearOnComplete: false,
    stopOnComplete: false, autopadding: true,
  }, Presets.shades_classic);
  const bars = new Map<ScanKind, { bar: SingleBar; listed: number; done: number }>();
  const of = (kind: ScanKind) => {
    let entry = bars.get(kind);
    if (!entry) {
      entry = { bar: multi.create(0, 0, { kind: kind.padEnd(7), status: 'listing' }), listed: 0, done: 0 };
      bars.set(kind, entry);
    }
    return entry;
  };
  return {
    listed: (kind) => { const e = of(kind); e.listed += 1; e.bar.setTotal(e.listed); },
    done: (kind) => { const e = of(kind); e.done += 1; e.bar.update(e.done); },
    finished: (kind, status) => { const e = of(kind); e.bar.update(e.done, { status }); },
    stop: () => multi.stop(),
  };
}
