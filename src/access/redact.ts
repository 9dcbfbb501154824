/**
 * Masking of contact details in free text shown to the public (Open311 GET, open data, transparency). Reporters often
 * write "call me on 0171 1234567" into a description; the public must not see it, staff still do (they read the
 * stored text). The phone rules are deliberately narrow so that dates, times, house numbers, postcodes, coordinates
 * and short numbers stay readable.
 */

export const EMAIL_MASK = '[email removed]';
export const PHONE_MASK = '[phone removed]';

// Local part: the RFC 5322 atom characters and dots; domain: dot-separated labels ending in a letter TLD.
const EMAIL = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g;

// Digit groups joined by exactly one separator (space . - /) or a bracketed group such as "(0)" or "(555)". Separators
// are mandatory between groups, so the match is linear. It must not touch a word or run on into another number.
const PHONE_CANDIDATE = /(?<![\w@.+\-/]|\d:)(?:\+ ?)?(?:\(\d+\) ?)?\d+(?:[ .\-/]\d+| ?\(\d+\) ?\d+)*(?![\w]|[.\-/]\d)/g;

const DATE = [/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$/, /^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/];
// A decimal such as 52.5200 or 0.1276; "030.1234567" (0 followed by a digit) is a dotted phone number instead.
const DECIMAL = /^-?(?:0|[1-9]\d{0,2})\.\d+$/;
const NANP = /^(?:1[ .-])?\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]\d{4}$/;

/** True when a candidate digit sequence reads as a telephone number rather than a date, decimal or short number. */
export function looksLikePhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  // Dates and decimals (coordinates) next to each other, "0.1276 51.5072" or "0.0000 1990-01-01", are not phones.
  for (const part of candidate.split(' ')) {
    if (DECIMAL.test(part) || DATE.some((d) => d.test(part))) return false;
  }
  if (candidate.startsWith('+')) return true;
  // Trunk prefix 0 (and international 00) of most non-NANP numbering plans: "030 1234567", "(0171) 123 45 67".
  if (candidate.replace(/^\(/, '').startsWith('0')) return true;
  return NANP.test(candidate);
}

/** Replaces e-mail addresses and telephone numbers in `text` with `[email removed]` and `[phone removed]`. */
export function maskContacts(text: string): string {
  return text.replace(EMAIL, EMAIL_MASK).replace(PHONE_CANDIDATE, maskPhonesIn);
}

/**
 * A candidate may join a phone number to a neighbouring number ("Nr. 12 0171 1234567", "+49 30 1234567 2026-11-29"):
 * mask the longest run of space-separated parts that reads as a phone, scanning left to right.
 */
function maskPhonesIn(candidate: string): string {
  const parts = candidate.split(' ');
  const out: string[] = [];
  let i = 0;
  while (i < parts.length) {
    let j = parts.length;
    while (j > i && !looksLikePhone(parts.slice(i, j).join(' '))) j--;
    if (j > i) {
      out.push(PHONE_MASK);
      i = j;
    } else {
      out.push(parts[i] as string);
      i++;
    }
  }
  return out.join(' ');
}

/** maskContacts for optional fields. */
export function maskOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : maskContacts(text);
}
