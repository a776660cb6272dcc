/**
 * The AWS SDK announces on stderr, once per process, that its releases after January 2027 need
 * Node 22. The scan's SDK is bundled and pinned (dist/scan.js), so that notice is not the user's to
 * act on, and eight lines of it before every table bury the scan's own messages. Every other
 * process warning still prints.
 */
const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const option = rest[0];
  const type = typeof option === 'string' ? option : (option as { type?: string } | undefined)?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  (emit as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
