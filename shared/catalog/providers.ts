/**
 * The upstream providers keyplane knows by name, with the facts about each one that more than
 * the adapter needs: display name, price-data id, key format and the pattern that redacts its
 * keys. Kept in shared/ because the catalog (prices) and the dashboard read them, and because the
 * providers' own failure classifier (redaction) may import shared/ but not the registry, which
 * imports the adapters. The server reads them through `server/providers/registry.ts`.
 * Organization-defined custom OpenAI-compatible providers are not listed here; they live in the database.
 */

/** Characters a key's body may contain: letters and digits; plus `-` and `_`; any printable ASCII but space. */
export type KeyCharset = 'alphanumeric' | 'token' | 'printable';

/** What a provider's API keys look like, so a pasted key for the wrong provider fails at once. */
export interface KeyFormat {
  /** What every key starts with; '' when the provider publishes no prefix. */
  prefix: string;
  /** Fewest characters after the prefix. Every key is at most KEY_MAX_LENGTH characters in all. */
  minBody: number;
  charset: KeyCharset;
  /** A realistic (made-up) key: passes the format, is caught by redaction, shapes generated demo keys. */
  example: string;
}

/** Longest key accepted for any provider. */
export const KEY_MAX_LENGTH = 512;

/** The format of keys for providers that publish no prefix, and of custom providers' keys. */
export const GENERIC_KEY_FORMAT: KeyFormat = {
  prefix: '',
  minBody: 16,
  charset: 'printable',
  example: 'Xq7Lm2Rt9Vb4Nc8Kd1Fg6Hj3Pw5Sz0Ay',
};

export interface ProviderFacts {
  id: string;
  name: string;
  /** The provider's id in the price data (@pydantic/genai-prices). */
  priceDataId: string;
  key: KeyFormat;
  /**
   * Matches a key of this shape in upstream text, masked ones (`sk-****abcd`) included; null when
   * keys have no recognisable shape (redaction then relies on its generic long-token net).
   */
  redaction: RegExp | null;
  /** Ids the price data lists under this provider that its own API does not serve (resold through another cloud). */
  unservedPriceData?: RegExp;
}

export const PROVIDERS = [
  {
    id: 'openai',
    name: 'OpenAI',
    priceDataId: 'openai',
    key: { prefix: 'sk-', minBody: 20, charset: 'token', example: 'sk-proj-Qm3vT8xLw2NcR7yKp4ZbH1sDf6GjA9eUo5iWt0MnXcVbLk8R' },
    redaction: /sk-[A-Za-z0-9_*-]{6,}/,
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    priceDataId: 'anthropic',
    key: {
      prefix: 'sk-ant-',
      minBody: 20,
      charset: 'token',
      example: 'sk-ant-api03-Hd8Kq2Lw7Vx3Nb9Rm4Tc1Zp6Yf5Gs0Ja8Ue2Io7Wk3Qn9Bv4Xc1Ml6Rd5Tf0Hs8Pz2Ly7Ka3Nj9Wq4Eg1Vt6Ru5Bx0Cm8Dk2IAA',
    },
    redaction: /sk-ant-[A-Za-z0-9_*-]{6,}/,
  },
  {
    id: 'google',
    name: 'Google Gemini',
    priceDataId: 'google',
    key: { prefix: 'AIza', minBody: 30, charset: 'token', example: 'AIzaSyD4k9Lm2Qx7Rt3Vb8Nc1Zw6Hj5Pf0Ga2Ue' },
    redaction: /AIza[0-9A-Za-z_*-]{10,}/,
    // The data's Google entry includes Vertex AI's Claude models; the Gemini API serves none of them.
    unservedPriceData: /^claude-/,
  },
  {
    id: 'mistral',
    name: 'Mistral AI',
    priceDataId: 'mistral',
    key: { ...GENERIC_KEY_FORMAT, example: 'Vh3Kp8Lq2Wx7Nb4Rm9Tc1Zf6Yg5Sd0Ja' },
    redaction: null,
  },
  {
    id: 'groq',
    name: 'Groq',
    priceDataId: 'groq',
    key: {
      prefix: 'gsk_',
      minBody: 20,
      charset: 'alphanumeric',
      example: 'gsk_Tq4Wm9Lx2Rb7Nk3Vc8Hz1Pf6Jd5Gs0Ya2Ue7Io3Kw9Qn4Bv8Xc1Ml6Rd5T',
    },
    redaction: /gsk_[A-Za-z0-9*]{8,}/,
  },
  {
    id: 'together',
    name: 'Together AI',
    priceDataId: 'together',
    // Older keys are 64 hex digits with no prefix, so the format stays the generic one.
    key: { ...GENERIC_KEY_FORMAT, example: 'tgp_v1_Rk8Lq3Wm7Xb2Nv9Tc4Zh1Pf6Yd5Gs0Ja8Ue3Io7Kw2Qn' },
    redaction: /tgp_v1_[A-Za-z0-9_*-]{8,}/,
  },
  {
    id: 'fireworks',
    name: 'Fireworks AI',
    priceDataId: 'fireworks',
    key: { prefix: 'fw_', minBody: 16, charset: 'alphanumeric', example: 'fw_Pk7Lm2Qx8Rt3Vb9Nc4Zw1Hj6' },
    redaction: /fw_[A-Za-z0-9*]{8,}/,
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    priceDataId: 'deepseek',
    key: { prefix: 'sk-', minBody: 20, charset: 'alphanumeric', example: 'sk-4f9a2c7e1b8d3f6a0c5e9b2d7f1a4c8e' },
    // As wide as OpenAI's `sk-` pattern: a narrower one would leave a masked key's tail behind.
    redaction: /sk-[A-Za-z0-9_*-]{6,}/,
  },
] as const satisfies readonly ProviderFacts[];

export type ProviderId = (typeof PROVIDERS)[number]['id'];
export type PriceDataId = (typeof PROVIDERS)[number]['priceDataId'];

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((p) => p.id);

/** True when `value` is one of keyplane's built-in provider ids. */
export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

/** Human-readable name for a provider id ("Together AI"); the id itself for unknown ids. */
export function providerDisplayName(id: string): string {
  return PROVIDERS.find((p) => p.id === id)?.name ?? id;
}
