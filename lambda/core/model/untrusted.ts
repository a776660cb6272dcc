/**
 * Text that someone other than the guard chose (a security group's name, a rule's description, a
 * policy Sid) reaches the alert a responder trusts. It must never pass for the guard's own words:
 * "sg-0abc (approved by SecOps, no action needed)" is a name anyone with ec2:CreateSecurityGroup
 * can pick. So it is always quoted, stripped of control and bidirectional-override characters
 * (which can reorder what a mail client shows), and capped in length.
 */

/** C0/C1 controls, and format characters (bidi overrides, zero-width joiners) that hide or reorder text. */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export function stripControl(text: string): string {
  return text.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
}

/** `"web servers"`: quoted, cleaned, at most `max` characters of the original (then `...`). */
export function quoted(text: string, max = 64): string {
  const clean = stripControl(text).replace(/"/g, "'");
  return `"${clean.length > max ? `${clean.slice(0, max)}...` : clean}"`;
}

/** For a plain-text email: keeps line breaks, removes every other control or format character. */
export function plainText(text: string): string {
  return text.split('\n').map((line) => line.replace(INVISIBLE, ' ').trimEnd()).join('\n');
}
