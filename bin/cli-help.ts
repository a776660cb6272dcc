/** What `exposure-guard help [command]` and `--help` print: one text per command, and the overview. */

const OVERVIEW = `usage:
  exposure-guard evaluate bucket FILE|-          evaluate a BucketSnapshot
  exposure-guard evaluate security-group FILE|-  evaluate a SecurityGroupSnapshot or describe-security-groups output
  exposure-guard targets FILE|-                  what an EventBridge CloudTrail event makes the guard re-evaluate
  exposure-guard scan [--region R | --regions all|R1,R2] [--json]
                                                 every bucket and security group of the caller's account (read-only)
  exposure-guard help [COMMAND]                  this text, or one command's
  exposure-guard --version                       the version
options:
  --config FILE        the exposureGuard configuration object (same as cdk.json context)
  --fail-on SEVERITY   exit 1 when a finding is at or above SEVERITY (LOW, MEDIUM, HIGH, CRITICAL), or when
                       something that could hide such a finding could not be read
  --allow-incomplete   with --fail-on: gate on what was read only
exit codes: 0 evaluated, 1 --fail-on reached, 2 bad input, 3 internal error`;

const GATE = `  --fail-on SEVERITY   exit 1 when a finding is at or above SEVERITY (LOW, MEDIUM, HIGH, CRITICAL), or when a
                       check that could reach SEVERITY could not be read (EVALUATION_INCOMPLETE)
  --allow-incomplete   with --fail-on: do not fail for what could not be read (the last stderr line says so)
  --config FILE        the exposureGuard configuration object (same as cdk.json context)`;

const COMMANDS: Record<string, string> = {
  evaluate: `usage: exposure-guard evaluate bucket|security-group FILE|- [options]
Evaluates one snapshot (a file, or - for stdin) with the same code as the Lambda functions.
  bucket           a BucketSnapshot (README, "The CLI"); an absent field is "not read", null "read, not configured"
  security-group   a SecurityGroupSnapshot, or \`aws ec2 describe-security-groups\` output holding one group
options:
  --format json|text   json (default): the evaluation result; text: the subject and email a responder would get
${GATE}
exit codes: 0 evaluated, 1 --fail-on reached, 2 bad input, 3 internal error`,
  targets: `usage: exposure-guard targets FILE|-
Prints {"targets": [...], "skipped": "<reason>"|null}: what an EventBridge CloudTrail event (a file, or -
for stdin) makes the guard re-evaluate.
exit codes: 0 parsed (even when it names nothing), 2 bad input`,
  scan: `usage: exposure-guard scan [options]
Evaluates every bucket and security group of the caller's account with the caller's credentials, through
the sweep's code. Read-only whatever --config says: nothing is changed, nothing is published.
Buckets are listed once for the account; security groups are read per region. Both run at once.
options:
  --region R           security groups of region R, and only the buckets in R (default: AWS_REGION, every bucket)
  --regions all|R1,R2  security groups of each region (all: every region enabled for the account), and only the
                       buckets in them (all: every bucket)
  --format text|json   text (default): a table, most severe first; json: the evaluation results, same order
  --json               the same as --format json
${GATE}
Whatever could not be listed or read is an INCOMPLETE row (the NOT READ column says what and why), never left
out; the scan goes on with everything else. Progress is shown on stderr when it is a terminal.
exit codes: 0 scanned (INCOMPLETE rows are told on stderr), 1 --fail-on reached, 2 bad input or credentials/network
that reach nothing (sts:GetCallerIdentity failed), 3 internal error`,
};
COMMANDS['security-group'] = COMMANDS.evaluate!;
COMMANDS.bucket = COMMANDS.evaluate!;

export const USAGE = OVERVIEW;

/** The command's help, or undefined for a command that does not exist. */
export function helpFor(command: string | undefined): string | undefined {
  if (command === undefined || command === 'help') return OVERVIEW;
  return COMMANDS[command];
}
