/**
 * The AWS SDK announces, once per process, that its releases after January 2027 need Node 22; this
 * machine runs Node 20 (the functions run Node 24). Expected here, so kept out of the test output;
 * every other process warning still prints.
 */
const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const option = rest[0];
  const type = typeof option === 'string' ? option : (option as { type?: string } | undefined)?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  (emit as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
