/**
 * Upstream text is searched for keys before anyone sees it (redactSecrets, the gateway's
 * secretScrubber). That text is a tenant's upstream's to choose, so the search must cost time in
 * proportion to a short text: these helpers bound the text and find masked keys without a regex
 * that backtracks.
 */

/**
 * The longest upstream text searched for keys; longer texts are cut first. Only the start of an
 * error text is ever kept (usage records keep 500 characters, a client reads a sentence or two),
 * and a tenant's upstream answering megabytes must not hold the event loop for every tenant.
 */
export const MAX_SCRUBBED_CHARS = 4_096;

/** `[A-Za-z0-9_-]`: what a key's visible part is made of. */
function isKeyChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45;
}

/** A key's characters and its masks' (`*`, `.`, `…`): a cut inside such a run may split a key. */
function isKeyOrMaskChar(code: number): boolean {
  return isKeyChar(code) || code === 42 || code === 46 || code === 0x2026;
}

/**
 * The first part of a text whose rest is cut off (`splitsRun`: the cut may fall inside a run of
 * key characters), marked `…`. The run the cut may split is dropped whole: half a key is too short
 * for any pattern to recognise, so it would pass every later redaction.
 */
function endCut(head: string, splitsRun: boolean): string {
  let end = head.length;
  if (splitsRun) while (end > 0 && isKeyOrMaskChar(head.charCodeAt(end - 1))) end--;
  const last = head.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // half a surrogate pair is not text
  return `${head.slice(0, end)}…`;
}

/** At most `max` characters of `text` (plus a `…` when cut), never ending in part of a key. */
export function cutText(text: string, max: number = MAX_SCRUBBED_CHARS): string {
  if (text.length <= max) return text;
  return endCut(text.slice(0, max), isKeyOrMaskChar(text.charCodeAt(max)));
}

/** A text of which only this first part was read: what follows is unknown, so it may split a key. */
export function cutOffText(head: string): string {
  return endCut(head, true);
}

/**
 * `text` with each masked token — a mask (`***`, `...`) and the key characters either side of it —
 * replaced, as the global regex `[A-Za-z0-9_-]*(?:mask)[A-Za-z0-9_-]*` would find them, but in
 * linear time: that regex retries its leading run from every character of a long run that has
 * no mask (40,000 characters took 4.5 s). Here the mask is found first and the token widened
 * from it. `mask` must never match the empty string.
 */
export function replaceMasked(text: string, mask: RegExp, replace: (token: string, head: string, tail: string) => string): string {
  const masks = new RegExp(mask.source, 'g');
  let out = '';
  let cursor = 0;
  for (let found = masks.exec(text); found !== null; found = masks.exec(text)) {
    // The leftmost token starts where the key characters before its mask start (not before the
    // previous token's end); a mask is no key character, so an earlier mask has an earlier token.
    let start = found.index;
    while (start > cursor && isKeyChar(text.charCodeAt(start - 1))) start--;
    const maskEnd = found.index + found[0].length;
    let end = maskEnd;
    while (end < text.length && isKeyChar(text.charCodeAt(end))) end++;
    out += text.slice(cursor, start) + replace(text.slice(start, end), text.slice(start, found.index), text.slice(maskEnd, end));
    cursor = end;
    masks.lastIndex = end;
  }
  return cursor === 0 ? text : out + text.slice(cursor);
}
