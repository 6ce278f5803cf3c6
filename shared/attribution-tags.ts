/** Usage attribution tags (SPEC §4): the one home of their rules, for the gateway header and gateway keys' defaults. */
export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 64;
/**
 * The end user a request names (OpenAI `user`, Anthropic `metadata.user_id`) is at most this long.
 * Claude Code sends `metadata.user_id` as JSON with a device id, an account id and a session id:
 * 150–190 characters, which a 128-character limit refused on every request.
 */
export const MAX_END_USER_LENGTH = 256;
/** Tag characters: no comma (the separator), no space or quote, so a tag set is also a valid array literal. */
const TAG_PATTERN = /^[A-Za-z0-9_.:/-]+$/;

/** The rule a tag breaks, or null when it is valid. */
export function tagRuleBroken(tag: string): string | null {
  if (tag.length > MAX_TAG_LENGTH) return `each tag is at most ${MAX_TAG_LENGTH} characters`;
  if (!TAG_PATTERN.test(tag)) return 'tags use only the characters A-Z a-z 0-9 _ . : / -';
  return null;
}

/** A tag set as stored: deduplicated and sorted, so one set has one spelling in the rollups. */
export function tagSet(tags: Iterable<string>): string[] {
  return [...new Set(tags)].sort();
}
