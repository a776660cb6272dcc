/**
 * `exposure-guard`: the evaluator and the event parser on the command line, same code as the
 * Lambda functions. Exit codes: 0 evaluated, 1 findings at or above --fail-on, 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { errorMessage } from '../lambda/core/model/errors';
import { evaluateBucket } from '../lambda/core/s3/evaluator';
import { isAtLeast, isSeverity } from '../lambda/core/model/severity';
import { resolveSettings, type GuardSettings } from '../lambda/core/model/settings';
import { bucketSnapshotProblem } from '../lambda/core/s3/snapshot-validation';
import { targets } from '../lambda/core/events/targets';
import type { BucketSnapshot, EvaluationResult, Severity } from '../lambda/core/model/types';
import type { ClientFactory } from '../lambda/adapters/clients';
import { InputError } from './cli-errors';
import { runScan } from './cli-scan';
import { evaluateSecurityGroupInput } from './cli-security-group';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
  readStdin(): string;
}



const USAGE = `usage:
  exposure-guard evaluate bucket FILE|-          evaluate a BucketSnapshot
  exposure-guard evaluate security-group FILE|-  evaluate a SecurityGroupSnapshot or describe-security-groups output
  exposure-guard targets FILE|-                  what an EventBridge CloudTrail event makes the guard re-evaluate
  exposure-guard scan [--json] [--region R]      every bucket and security group of the caller's account (read-only)
options:
  --config FILE        the exposureGuard configuration object (same as cdk.json context)
  --fail-on SEVERITY   exit 1 when a finding is at or above SEVERITY (LOW, MEDIUM, HIGH, CRITICAL)`;

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
  return evaluateBucket(value as BucketSnapshot, settings);
}

function exitFor(result: EvaluationResult, failOn: Severity | undefined): number {
  if (!failOn) return 0;
  return result.findings.some((f) => isAtLeast(f.severity, failOn)) ? 1 : 0;
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

export function runCli(argv: string[], io: CliIo): number {
  try {
    const { values, positionals } = parsing(() => parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        'fail-on': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const failOn = failOnOf(values['fail-on']);
    const [command, ...rest] = positionals;

    if (command === 'targets') {
      const [file] = rest;
      if (!file || rest.length > 1) throw new InputError('targets takes one FILE or -', true);
      io.stdout(`${JSON.stringify(targets(readInput(file, io).value), null, 2)}\n`);
      return 0;
    }
    if (command === 'evaluate') {
      const [kind, file] = rest;
      if (!file || rest.length > 2) throw new InputError('evaluate takes a kind (bucket, security-group) and one FILE or -', true);
      const settings = loadSettings(values.config, io);
      let result: EvaluationResult;
      if (kind === 'bucket') result = evaluateBucketInput(readInput(file, io), settings);
      else if (kind === 'security-group') result = evaluateSecurityGroupInput(readInput(file, io), settings);
      else throw new InputError(`evaluate: unknown kind "${kind}" (bucket, security-group)`, true);
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return exitFor(result, failOn);
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
      options: { json: { type: 'boolean' }, region: { type: 'string' }, config: { type: 'string' }, 'fail-on': { type: 'string' } },
    }));
    return await runScan({
      json: values.json === true, region: values.region, failOn: failOnOf(values['fail-on']), settings: loadSettings(values.config, io), clients,
      out: io.stdout, err: io.stderr,
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
  };
  if (argv[0] === 'scan') {
    void runScanCommand(argv.slice(1), io).then((code) => { process.exitCode = code; });
    return;
  }
  process.exitCode = runCli(argv, io);
}
