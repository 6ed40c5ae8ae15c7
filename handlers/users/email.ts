/**
 * The email addresses the users API takes: the mailbox forms of RFC 5321 (section 4.1.2) that
 * mail systems accept for delivery, within its size limits (section 4.5.3.1).
 *
 * - Local part: a Dot-string, atoms of `atext` (RFC 5322 section 3.2.3: letters, digits and
 *   ``!#$%&'*+-/=?^_`{|}~``) joined by single dots, at most 64 octets: `o'brien`, `a.b+tag`.
 *   The Quoted-string form (`"john doe"@...`) is refused: RFC 5321 section 4.1.2 advises
 *   against mailboxes that need it, and many systems refuse it. So are non-ASCII local parts,
 *   which need SMTPUTF8 (RFC 6531) at every hop.
 * - Domain: host names of letters, digits and inner hyphens (labels of at most 63 octets,
 *   RFC 1035 section 2.3.4), at least two labels, the last not all digits (RFC 3696 section 2),
 *   at most 255 octets. An internationalised domain is taken in its A-label (`xn--`) form or in
 *   Unicode, which is converted to the A-label form (UTS 46, node's `domainToASCII`), the form
 *   SMTP carries. Address literals (`[192.0.2.1]`) are refused: no user's mailbox is one.
 * - The whole address is at most 254 octets (the 256-octet path minus its angle brackets).
 */
import { domainToASCII } from 'node:url';

const ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
const DOT_STRING = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export type EmailCheck = { ok: true; address: string } | { ok: false; problem: string };

/** The address in the form to store (domain in A-labels, all lower-cased), or what is wrong with it. */
export function checkEmail(input: string): EmailCheck {
  const at = input.lastIndexOf('@');
  if (at <= 0 || at === input.length - 1) return { ok: false, problem: 'must be local-part@domain' };
  const local = input.slice(0, at);
  const rawDomain = input.slice(at + 1);
  if (Buffer.byteLength(local) > 64) return { ok: false, problem: 'the part before @ must be at most 64 characters' };
  if (!DOT_STRING.test(local)) return { ok: false, problem: 'the part before @ has a character or dot a mail address cannot have' };
  // ASCII stays as it is (so a malformed label is refused below, not "repaired"); Unicode goes to A-labels
  const domain = /^[\x21-\x7e]*$/.test(rawDomain) ? rawDomain : domainToASCII(rawDomain);
  if (domain === '' || domain.length > 255) return { ok: false, problem: 'the domain is not a valid host name' };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^[0-9]+$/.test(labels[labels.length - 1])) {
    return { ok: false, problem: 'the domain is not a valid host name' };
  }
  const address = `${local}@${domain}`.toLowerCase();
  if (address.length > 254) return { ok: false, problem: 'must be at most 254 characters' };
  return { ok: true, address };
}
