/**
 * `exposure-guard`: the evaluator and the event parser on the command line, same code as the
 * Lambda functions. Exit codes: 0 evaluated, 1 --fail-on reached, 2 bad input, 3 internal error.
 *
 * This module loads no AWS SDK: `scan` (and `--config`'s validator) are required only when used,
 * and the compiled CLI (scripts/build-cli.js) puts them in bundles of their own, so `evaluate`
 * starts about as fast as Node itself.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import packageJson from '../package.json';
import { errorMessage } from '../lambda/core/model/errors';
import { evaluateBucket } from '../lambda/core/s3/evaluator';
import { isSeverity } from '../lambda/core/model/severity';
import { resolveSettings, type GuardSettings } from '../lambda/core/model/settings';
import { bucketSnapshotProblem } from '../lambda/core/s3/snapshot-validation';
import { targets } from '../lambda/core/events/targets';
import { composeNotification } from '../lambda/core/notification/compose';
import type { BucketSnapshot, EvaluationResult, Severity } from '../lambda/core/model/types';
import type { ClientFactory } from '../lambda/adapters/clients';
import { InputError } from './cli-errors';
import { gate } from './cli-gate';
import { helpFor, USAGE } from './cli-help';
import { evaluateSecurityGroupInput } from './cli-security-group';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  readStdin(): string;
  /** Progress bars for `scan` only on a terminal. @default false */
  stderrIsTTY?: boolean;
}

function readInput(file: string, io: CliIo): { label: string; value: unknown } {
  const label = file === '-' ? 'stdin' : file;
  let text: string;
  try {
    text = file === '-' ? io.readStdin() : io.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${label}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : errorMessage(error)}`);
  }
  try {
    return { label, value: JSON.parse(text) };
  } catch (error) {
    throw new InputError(`${label}: invalid JSON (${errorMessage(error)})`);
  }
}

function loadSettings(configFile: string | undefined, io: CliIo): GuardSettings {
  if (!configFile) return resolveSettings();
  const { label, value } = readInput(configFile, io);
  // Loaded only when asked for: the full validator pulls in zod and aws-cdk-lib's enums.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseConfig, runtimeSettings } = require('../lib/config') as typeof import('../lib/config');
  try {
    return resolveSettings(runtimeSettings(parseConfig(value, 'config')));
  } catch (error) {
    throw new InputError(`${label}: ${errorMessage(error)}`);
  }
}

function evaluateBucketInput({ label, value }: { label: string; value: unknown }, settings: GuardSettings): EvaluationResult {
  const problem = bucketSnapshotProblem(value);
  if (problem) throw new InputError(`${label}: ${problem}`);
  return evaluateBucket(value as BucketSnapshot, settings, { fromFile: true });
}

/**
 * What the email would say (the notifier's own renderer), or, when no message would go out, why
 * not and what was found below the threshold.
 */
function asText(result: EvaluationResult, settings: GuardSettings): string {
  const message = composeNotification(result, settings);
  const notChecked = Object.entries(result.notChecked ?? {}).map(([field, why]) => `Not checked: ${field}: ${why}`);
  if (message) return `Subject: ${message.subject}\n\n${message.email}\n${notChecked.map((l) => `${l}\n`).join('')}`;
  const { type, id } = result.resource;
  const below = result.findings.map((f) => `  [${f.severity}${f.latent ? ', latent' : ''}] ${f.checkId}: ${f.title}`);
  return [
    `No message would be sent for ${type} ${id}: nothing at or above notifyMinSeverity (${settings.notifyMinSeverity}). Status ${result.status}.`,
    ...(below.length > 0 ? ['Findings below it (logged, not sent):', ...below] : []),
    ...(result.unknown.length > 0 ? [`Not read: ${result.unknown.join(', ')}`] : []),
    ...notChecked,
  ].join('\n') + '\n';
}

/** Argument parsing whose errors are bad input (exit 2, with the usage). */
function parsing<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new InputError(errorMessage(error), true);
  }
}

/** `--fail-on SEVERITY`, case-insensitive; anything else is bad input. */
function failOnOf(value: string | undefined): Severity | undefined {
  const failOn = value?.toUpperCase();
  if (failOn !== undefined && !isSeverity(failOn)) throw new InputError(`--fail-on: "${value}" is not a severity (LOW, MEDIUM, HIGH, CRITICAL)`);
  return failOn;
}

function formatOf(value: string | undefined, json: boolean | undefined, fallback: 'json' | 'text'): 'json' | 'text' {
  if (value !== undefined && value !== 'json' && value !== 'text') throw new InputError(`--format: "${value}" is not a format (json, text)`);
  if (json && value === 'text') throw new InputError('--json and --format text: give one of them');
  return json ? 'json' : (value as 'json' | 'text' | undefined) ?? fallback;
}

/** Exit 2 for bad input (one line, the usage when it helps); exit 3 for a fault of the CLI itself. */
function report(error: unknown, io: CliIo): number {
  if (error instanceof InputError) {
    io.stderr(`exposure-guard: ${error.message}\n`);
    if (error.showUsage) io.stderr(`${USAGE}\n`);
    return 2;
  }
  io.stderr(`exposure-guard: internal error: ${errorMessage(error)}\n`);
  return 3;
}

const COMMON = {
  config: { type: 'string' },
  'fail-on': { type: 'string' },
  'allow-incomplete': { type: 'boolean' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

function printHelp(command: string | undefined, io: CliIo): number {
  const text = helpFor(command);
  if (text === undefined) throw new InputError(`help: unknown command "${command}"`, true);
  io.stdout(`${text}\n`);
  return 0;
}

export function runCli(argv: string[], io: CliIo): number {
  try {
    const { values, positionals } = parsing(() => parseArgs({ args: argv, allowPositionals: true, options: COMMON }));
    const [command, ...rest] = positionals;
    if (values.version) {
      io.stdout(`${packageJson.version}\n`);
      return 0;
    }
    if (command === 'help') return printHelp(rest[0], io);
    if (values.help) return printHelp(command, io);
    const failOn = failOnOf(values['fail-on']);

    if (command === 'targets') {
      const [file] = rest;
      if (!file || rest.length > 1) throw new InputError('targets takes one FILE or -', true);
      io.stdout(`${JSON.stringify(targets(readInput(file, io).value), null, 2)}\n`);
      return 0;
    }
    if (command === 'evaluate') {
      const [kind, file] = rest;
      if (!file || rest.length > 2) throw new InputError('evaluate takes a kind (bucket, security-group) and one FILE or -', true);
      const format = formatOf(values.format, false, 'json');
      const settings = loadSettings(values.config, io);
      let result: EvaluationResult;
      if (kind === 'bucket') result = evaluateBucketInput(readInput(file, io), settings);
      else if (kind === 'security-group') result = evaluateSecurityGroupInput(readInput(file, io), settings);
      else throw new InputError(`evaluate: unknown kind "${kind}" (bucket, security-group)`, true);
      io.stdout(format === 'text' ? asText(result, settings) : `${JSON.stringify(result, null, 2)}\n`);
      const verdict = gate([result], failOn, values['allow-incomplete'] === true);
      if (verdict.line) io.stderr(`exposure-guard: ${verdict.line}\n`);
      return verdict.code;
    }
    throw new InputError(command ? `unknown command "${command}"` : 'no command given', true);
  } catch (error) {
    return report(error, io);
  }
}

/**
 * `scan` talks to AWS, so it is the one asynchronous command. It never rejects: an unexpected
 * error is exit 3 with its message, never an unhandled rejection (exit 1, which a CI gate would
 * read as "findings").
 */
export async function runScanCommand(argv: string[], io: CliIo, clients?: ClientFactory): Promise<number> {
  try {
    const { values } = parsing(() => parseArgs({
      args: argv, allowPositionals: false,
      options: { ...COMMON, json: { type: 'boolean' }, region: { type: 'string' }, regions: { type: 'string' } },
    }));
    if (values.help) return printHelp('scan', io);
    if (values.version) {
      io.stdout(`${packageJson.version}\n`);
      return 0;
    }
    const format = formatOf(values.format, values.json, 'text');
    const failOn = failOnOf(values['fail-on']);
    const settings = loadSettings(values.config, io);
    // The SDK is loaded here, not at start: evaluate and targets never pay for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runScan, progressFor } = require('./cli-scan') as typeof import('./cli-scan');
    return await runScan({
      format, region: values.region, regions: values.regions, failOn, allowIncomplete: values['allow-incomplete'] === true, settings, clients,
      out: io.stdout, err: io.stderr, progress: progressFor(io.stderrIsTTY === true),
    });
  } catch (error) {
    return report(error, io);
  }
}

/** Called by bin/exposure-guard.js. */
export function main(): void {
  const argv = process.argv.slice(2);
  const io: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: (p) => readFileSync(p, 'utf8'),
    readStdin: () => readFileSync(0, 'utf8'),
    stderrIsTTY: process.stderr.isTTY === true,
  };
  if (argv[0] === 'scan') {
    void runScanCommand(argv.slice(1), io).then((code) => { process.exitCode = code; });
    return;
  }
  process.exitCode = runCli(argv, io);
}
