/**
 * The per-provider limiter form (the rate-limiter modes of docs/graphql.md): values ⇄ setProviderLimiter input,
 * and the API's BAD_USER_INPUT replies placed beside the field they are about.
 */
import type { InputError } from '../../../apollo/errors.js';
import type { HostedKeyPoolQuery, LimiterMode, SetProviderLimiterInput } from '../../../graphql/generated.js';

type Setting = HostedKeyPoolQuery['providerSettings'][number];
/** The server's limiter defaults (GraphQL `defaultLimiterSetting`): the gateway's own, never a copy here. */
export type LimiterDefaults = HostedKeyPoolQuery['defaultLimiterSetting'];

export const LIMITER_MODES: readonly { id: LimiterMode; label: string; help: string }[] = [
  { id: 'NONE', label: 'None', help: 'No queue and no per-organization limit (the default for LLMs).' },
  { id: 'PER_ORGANIZATION', label: 'Per organization', help: 'Token bucket: requests per minute per organization on hosted keys.' },
  { id: 'QUEUE', label: 'Queue', help: 'Requests wait in FIFO order, up to the timeout, for a hosted key to come free.' },
];

export interface LimiterFormValues {
  mode: LimiterMode;
  /** text as typed; empty = not set */
  requestsPerMinute: string;
  queueTimeoutMs: string;
}

export type LimiterField = keyof LimiterFormValues;
export type LimiterErrors = Partial<Record<LimiterField | 'form', string>>;

export function limiterFormValues(
  setting: Pick<Setting, 'mode' | 'requestsPerMinute' | 'queueTimeoutMs'> | undefined,
  defaults: Pick<LimiterDefaults, 'mode'>,
): LimiterFormValues {
  return {
    mode: setting?.mode ?? defaults.mode,
    requestsPerMinute:
      setting?.requestsPerMinute === null || setting?.requestsPerMinute === undefined ? '' : String(setting.requestsPerMinute),
    queueTimeoutMs: setting?.queueTimeoutMs === null || setting?.queueTimeoutMs === undefined ? '' : String(setting.queueTimeoutMs),
  };
}

/** Which number fields a mode uses; the others are not sent (and so cleared). */
export function limiterFieldsFor(mode: LimiterMode): { requestsPerMinute: boolean; queueTimeoutMs: boolean } {
  return { requestsPerMinute: mode !== 'NONE', queueTimeoutMs: mode === 'QUEUE' };
}

/** What the rate field means in this mode. */
export function rateLabel(mode: LimiterMode): string {
  return mode === 'QUEUE' ? 'Requests per minute per hosted key (optional)' : 'Requests per minute per organization';
}

/**
 * The mutation input. Only the form's own checks (a whole number where one is typed); ranges
 * and what each mode needs are the API's rules, and its answer is shown by `limiterErrors`.
 */
export function limiterInput(
  provider: string,
  values: LimiterFormValues,
): { ok: true; input: SetProviderLimiterInput } | { ok: false; errors: LimiterErrors } {
  const uses = limiterFieldsFor(values.mode);
  const errors: LimiterErrors = {};
  const whole = (field: 'requestsPerMinute' | 'queueTimeoutMs'): number | null => {
    const text = values[field].trim();
    if (!text) return null;
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      errors[field] = 'Enter a whole number';
      return null;
    }
    return Number(text);
  };
  const requestsPerMinute = uses.requestsPerMinute ? whole('requestsPerMinute') : null;
  const queueTimeoutMs = uses.queueTimeoutMs ? whole('queueTimeoutMs') : null;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      provider,
      mode: values.mode,
      ...(requestsPerMinute !== null ? { requestsPerMinute } : {}),
      ...(queueTimeoutMs !== null ? { queueTimeoutMs } : {}),
    },
  };
}

/** Put the API's answer beside its field: argument validation names the field; domain messages mention it. */
export function limiterErrors(error: InputError): LimiterErrors {
  const errors: LimiterErrors = {};
  for (const field of ['requestsPerMinute', 'queueTimeoutMs', 'mode'] as const) {
    const named = error.fields[field];
    if (named) errors[field] = named;
  }
  if (Object.keys(errors).length > 0) return errors;
  if (error.code === 'BAD_USER_INPUT') {
    if (/requestsPerMinute/.test(error.message)) return { requestsPerMinute: error.message };
    if (/queueTimeoutMs/.test(error.message)) return { queueTimeoutMs: error.message };
  }
  return { form: error.message };
}

/** "per organization · 60 rpm", "queue · timeout 10000 ms", "none" */
export function describeLimiter(
  setting: Pick<Setting, 'mode' | 'requestsPerMinute' | 'queueTimeoutMs'> | undefined,
  defaults: LimiterDefaults,
): string {
  if (!setting) return describeLimiter(defaults, defaults);
  if (setting.mode === 'NONE') return 'none';
  const label = LIMITER_MODES.find((m) => m.id === setting.mode)?.label.toLowerCase() ?? setting.mode;
  const parts = [label];
  if (setting.requestsPerMinute) parts.push(`${setting.requestsPerMinute} rpm`);
  if (setting.mode === 'QUEUE') parts.push(`timeout ${setting.queueTimeoutMs ?? defaults.queueTimeoutMs} ms`);
  return parts.join(' · ');
}
