/**
 * Money in integer pico-USD (1e-12 USD), for the server and the dashboard alike. A per-token
 * price is a fraction of a micro-dollar, so integers at this scale keep every sum exact; the
 * database stores the same value as Decimal(24,12) USD and the API sends it as decimal text.
 * Floats appear only at the very end, for charts (`picoToNumber`).
 */

const SCALE = 12;
export const PICO_PER_USD = 10n ** BigInt(SCALE);

/** 10ⁿ for n = 0…SCALE. */
const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: SCALE + 1 }, (_, n) => 10n ** BigInt(n));

/** Anything a Decimal(24,12) value can arrive as: text, a number, or Prisma's Decimal. */
export type DecimalLike = string | number | { toFixed(digits: number): string };

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Decimal USD → pico-USD: "12.5" → 12_500_000_000_000n. Digits past the twelfth are dropped
 * (truncated toward zero). Exponents ("1e-7", which Prisma's Decimal and JavaScript print for
 * tiny values) are accepted; null, undefined and "" are zero; anything else is an error.
 */
export function toPico(value: DecimalLike | null | undefined): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  let text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? numberText(value) : value.toFixed(SCALE);
  if (/e/i.test(text)) text = numberText(Number(text));
  const match = DECIMAL_TEXT.exec(text);
  if (!match || (match[2] === '' && !match[3])) throw new Error(`Not a decimal amount: "${String(value)}"`);
  const [, sign, whole, fraction = ''] = match;
  const pico = BigInt(whole || '0') * PICO_PER_USD + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, '0'));
  return sign === '-' ? -pico : pico;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Not a decimal amount: ${value}`);
  return value.toFixed(SCALE);
}

/**
 * Pico-USD → decimal text with `digits` fraction digits (0–12), rounded half away from zero:
 * by default the exact text the database stores ("0.000001500000"). Never prints "-0".
 */
export function picoToDecimal(pico: bigint, digits = SCALE): string {
  const drop = POWERS_OF_TEN[SCALE - digits];
  if (!Number.isInteger(digits) || drop === undefined) throw new RangeError(`digits must be 0–${SCALE}, got ${digits}`);
  const negative = pico < 0n;
  let abs = negative ? -pico : pico;
  if (drop > 1n) abs = (abs + drop / 2n) / drop;
  // Digits of the integer, split as text: a bill is written for every request, and two BigInt
  // divisions and a BigInt power cost several times this.
  const text = abs.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : '';
  return `${negative && abs !== 0n ? '-' : ''}${whole}${fraction}`;
}

/** For charts only: pico-USD → a JavaScript number of USD (may lose precision). */
export function picoToNumber(pico: bigint): number {
  return Number(pico) / 1e12;
}

/** Σ of decimal amounts, exactly; missing values count as zero. */
export function sumPico(values: Iterable<DecimalLike | null | undefined>): bigint {
  let total = 0n;
  for (const value of values) total += toPico(value);
  return total;
}

/** Rates (cost multipliers, fee rates) are exact fractions of this scale: nine decimal places. */
const RATE_SCALE = 1_000_000_000n;
const RATE_TEXT = /^(\d+)(?:\.(\d+))?$/;
const parsedRates = new Map<string, bigint>();

/** A non-negative decimal rate ("1.25") as an exact fraction of 1e9; digits past the ninth are dropped. */
export function parseRate(rate: string): bigint {
  // A handful of distinct rates are applied on every request: parse each once.
  const cached = parsedRates.get(rate);
  if (cached !== undefined) return cached;
  const match = RATE_TEXT.exec(rate.trim());
  if (!match) throw new Error(`Not a decimal rate: ${rate}`);
  const parsed = BigInt(match[1] as string) * RATE_SCALE + BigInt((match[2] ?? '').slice(0, 9).padEnd(9, '0'));
  if (parsedRates.size < 10_000) parsedRates.set(rate, parsed);
  return parsed;
}

/** amount × rate, rounded half up (half away from zero for a negative amount). */
export function applyRate(amountPico: bigint, rate: string): bigint {
  const product = amountPico * parseRate(rate);
  const half = RATE_SCALE / 2n;
  return product < 0n ? -((-product + half) / RATE_SCALE) : (product + half) / RATE_SCALE;
}
