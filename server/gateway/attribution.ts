import { MAX_END_USER_LENGTH, MAX_TAGS, tagRuleBroken, tagSet } from '../../shared/attribution-tags.js';
import { GatewayError } from './gateway-error.js';

/** The header that tags a request for attribution (SPEC §4). */
export const TAGS_HEADER = 'x-keyplane-tags';
export { MAX_END_USER_LENGTH };

/**
 * A request's tags: the gateway key's defaults merged with the `x-keyplane-tags` header's
 * (comma-separated), as a tag set. A header past the rules is refused with a 400 naming the rule.
 */
export function requestTags(header: string | string[] | undefined, defaults: readonly string[]): string[] {
  if (header === undefined && defaults.length === 0) return [];
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const given = raw
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
  for (const tag of given) {
    const broken = tagRuleBroken(tag);
    if (broken) throw badTags(broken);
  }
  const tags = tagSet([...defaults, ...given]);
  if (tags.length > MAX_TAGS) throw badTags(`at most ${MAX_TAGS} tags per request (the key's default tags included)`);
  return tags;
}

/** The end user a request names, or null; one past the length rule is refused with a 400. */
export function requestEndUser(user: string | null | undefined): string | null {
  if (user === null || user === undefined || user === '') return null;
  if (user.length > MAX_END_USER_LENGTH)
    throw new GatewayError(
      'BAD_USER_INPUT',
      'invalid_request',
      `The end user (user, metadata.user_id) is at most ${MAX_END_USER_LENGTH} characters`,
    );
  return user;
}

const badTags = (rule: string) => new GatewayError('BAD_USER_INPUT', 'invalid_request', `${TAGS_HEADER}: ${rule}`);
