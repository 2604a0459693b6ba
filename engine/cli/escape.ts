/**
 * Terminal-safe text. Certificate names, element values and messages quoting them come from untrusted credentials;
 * printed raw, an escape sequence or a carriage return can erase a line and forge a "VALID" verdict. Every C0 and C1
 * control, DEL, the Unicode line separators and the bidirectional overrides become visible \u{…} escapes.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const escapeOne = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** One untrusted field: nothing in it can start a new line or move the cursor. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** A whole block of output whose own line breaks are ours: every other control is escaped. */
export function escapeControlsKeepNewlines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeOne);
}
