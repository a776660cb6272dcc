// Preloaded (node -r) into each process the CLI benchmark starts: its peak RSS, on stderr at exit.
process.on('exit', () => { require('node:fs').writeSync(2, `\n@@maxrss=${process.resourceUsage().maxRSS}\n`); });
