/** Bad input: printed as one line naming the file and the problem, exit 2. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(message: string, readonly showUsage = false) {
    super(message);
  }
}
