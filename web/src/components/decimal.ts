/**
 * Money arrives as exact decimal strings ("12.5"). Sums and margins are done in integer
 * pico-USD (BigInt) so totals never drift; charts get plain numbers at the very end.
 */
const SCALE = 12;
const PICO = 10n ** BigInt(SCALE);

/** "12.5" → 12_500_000_000_000n. Accepts exponents ("1e-7") by going through toFixed. */
export function toPico(value: string | number | null | undefined): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  let text = typeof value === 'number' ? value.toFixed(SCALE) : value.trim();
  if (/e/i.test(text)) text = Number(text).toFixed(SCALE);
  const negative = text.startsWith('-');
  if (negative || text.startsWith('+')) text = text.slice(1);
  const [whole = '0', fraction = ''] = text.split('.');
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(fraction)) return 0n;
  const pico = BigInt(whole || '0') * PICO + BigInt((fraction + '0'.repeat(SCALE)).slice(0, SCALE) || '0');
  return negative ? -pico : pico;
}

/** Pico-USD → a decimal string with `digits` fraction digits (rounded half away from zero). */
export function picoToDecimal(pico: bigint, digits = SCALE): string {
  const negative = pico < 0n;
  let abs = negative ? -pico : pico;
  const drop = 10n ** BigInt(SCALE - digits);
  if (drop > 1n) abs = (abs + drop / 2n) / drop;
  const unit = 10n ** BigInt(digits);
  const whole = abs / unit;
  const fraction = digits > 0 ? `.${(abs % unit).toString().padStart(digits, '0')}` : '';
  return `${negative && abs !== 0n ? '-' : ''}${whole}${fraction}`;
}

/** For charts only: pico-USD → a JavaScript number of USD. */
export function picoToNumber(pico: bigint): number {
  return Number(pico) / 1e12;
}

export function sumPico(values: Iterable<string | null | undefined>): bigint {
  let total = 0n;
  for (const value of values) total += toPico(value);
  return total;
}
