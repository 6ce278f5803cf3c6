/**
 * Cost arithmetic in integer pico-USD (1e-12 USD). A per-token price is a fraction of a
 * micro-dollar, so integers at this scale keep every sum exact; the database stores the
 * same value as Decimal(24,12) USD.
 */

/** USD per 1M tokens, as the catalog publishes them. */
export interface TokenPrices {
  input: number;
  cachedInput: number | null;
  output: number;
}

export interface TokenCounts {
  /** Includes cached input tokens. */
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
}

const PICO_PER_USD = 1_000_000_000_000n;

/** USD per 1M tokens → pico-USD per token (1e12 / 1e6 = ×1e6). */
function picoPerToken(usdPerMillion: number): bigint {
  return BigInt(Math.round(usdPerMillion * 1_000_000));
}

/** Upstream cost of a call, in pico-USD. Cached input is billed at its own price when the provider has one. */
export function upstreamCostPico(tokens: TokenCounts, prices: TokenPrices): bigint {
  const cached = Math.min(tokens.cachedInputTokens, tokens.inputTokens);
  const uncached = tokens.inputTokens - cached;
  const input = picoPerToken(prices.input);
  return (
    BigInt(uncached) * input +
    BigInt(cached) * (prices.cachedInput === null ? input : picoPerToken(prices.cachedInput)) +
    BigInt(tokens.outputTokens) * picoPerToken(prices.output)
  );
}

const RATE_SCALE = 1_000_000_000n;

const parsedRates = new Map<string, bigint>();

/** Parse a non-negative decimal string ("1.25") into an exact fraction of RATE_SCALE. */
export function parseRate(rate: string): bigint {
  // A handful of distinct rates (multipliers, fee rates) are applied on every request.
  const cached = parsedRates.get(rate);
  if (cached !== undefined) return cached;
  const parsed = parseRateText(rate);
  if (parsedRates.size < 10_000) parsedRates.set(rate, parsed);
  return parsed;
}

function parseRateText(rate: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!match) throw new Error(`Not a decimal rate: ${rate}`);
  const fraction = (match[2] ?? '').slice(0, 9).padEnd(9, '0');
  return BigInt(match[1] as string) * RATE_SCALE + BigInt(fraction);
}

/** amount × rate, rounded half up. */
export function applyRate(amountPico: bigint, rate: string): bigint {
  return (amountPico * parseRate(rate) + RATE_SCALE / 2n) / RATE_SCALE;
}

/** pico-USD → the exact decimal string Prisma stores ("0.000001500000"). */
export function picoToDecimal(pico: bigint): string {
  const negative = pico < 0n;
  const abs = negative ? -pico : pico;
  const whole = abs / PICO_PER_USD;
  const fraction = (abs % PICO_PER_USD).toString().padStart(12, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** A Decimal(24,12) value from the database (anything with toString()) → pico-USD. */
export function decimalToPico(value: { toFixed?(digits: number): string; toString(): string } | string): bigint {
  // Prisma's Decimal prints tiny values as "1e-7"; toFixed never uses exponents.
  const text = typeof value === 'string' ? value : (value.toFixed?.(12) ?? value.toString());
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const pico = BigInt(whole) * PICO_PER_USD + BigInt(fraction.slice(0, 12).padEnd(12, '0'));
  return negative ? -pico : pico;
}
