/** What switching a project's mode changes, in words, for the confirmation dialog. */
import { type KeySource, MODE_KEY_SOURCES, type ProjectMode } from '../../../../../shared/domain.js';

export const MODE_LABELS: Record<ProjectMode, string> = {
  API_KEYS: 'API keys (BYOK)',
  CREDITS: 'Credits (platform keys)',
  HYBRID: 'Hybrid',
};

const SOURCE_LABELS: Record<KeySource, string> = {
  user: 'caller-supplied keys (x-provider-api-key)',
  byok: "the organization's stored provider keys",
  hosted: "the platform's hosted key pool",
  env: "the platform's single legacy key",
};

export interface ModeChange {
  title: string;
  gained: string[];
  lost: string[];
  billing: string;
  /** Lines to show, in order */
  lines: string[];
}

export function describeModeChange(from: ProjectMode, to: ProjectMode): ModeChange {
  const before = MODE_KEY_SOURCES[from];
  const after = MODE_KEY_SOURCES[to];
  const gained = after.filter((s) => !before.includes(s)).map((s) => SOURCE_LABELS[s]);
  const lost = before.filter((s) => !after.includes(s)).map((s) => SOURCE_LABELS[s]);
  const billing =
    to === 'API_KEYS'
      ? 'Requests are paid on the organization’s own provider accounts; no credits are spent.'
      : to === 'CREDITS'
        ? 'Every request is served by platform keys and debits the organization’s credit balance; requests are refused with 402 when credits run out.'
        : 'Requests prefer the organization’s own keys; when none is usable they fall back to platform keys, which debit credits.';
  const lines = [
    ...(gained.length ? [`Requests may now use ${gained.join(' and ')}.`] : []),
    ...(lost.length ? [`Requests will no longer use ${lost.join(' or ')}.`] : []),
    billing,
    'The change applies to the next request made with any of this project’s gateway keys.',
  ];
  return { title: `Switch from ${MODE_LABELS[from]} to ${MODE_LABELS[to]}?`, gained, lost, billing, lines };
}
