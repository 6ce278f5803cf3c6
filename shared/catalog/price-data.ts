/**
 * The maintained price data (@pydantic/genai-prices, bundled: it never fetches at run time
 * unless asked to, and keyplane never asks). This module reads the package's raw data —
 * models, their match rules and their rates — and answers two questions: which data model
 * does a provider's model name belong to, and what are its rates at a given time. Money is
 * not computed here: the rates are per-1M-token USD numbers from the data, which the billing
 * code turns into integer pico-USD itself.
 */
import { findProvider, type MatchLogic, type ModelInfo, type ModelPrice, type Provider } from '@pydantic/genai-prices';
import { boundedMemo } from '../bounded-memo.js';
import { PROVIDERS, type ProviderId } from './providers.js';

/** Name and version of the price data, recorded on every usage record priced from it. */
export const PRICE_DATA_SOURCE = '@pydantic/genai-prices 0.1.8';

/** A rate per 1M tokens: flat, or a base with long-context tiers (by total input tokens). */
export type TieredRate = number | { base: number; tiers: readonly { start: number; price: number }[] };

/** The rates keyplane bills by, per 1M tokens; null where the data has none. */
export interface PriceDataRates {
  input: TieredRate;
  cachedInput: TieredRate | null;
  cacheWrite: TieredRate | null;
  cacheWrite1h: TieredRate | null;
  output: TieredRate;
  /** USD per 1,000 server-side web searches (OpenAI's and Anthropic's web search tools); null where the data has none. */
  webSearch: number | null;
}

/** One model of the price data, as a provider serves it. */
export interface PriceDataModel {
  provider: ProviderId;
  /** The data's own id for the model (e.g. `claude-sonnet-4-5` for `claude-sonnet-4-5-20250929`). */
  id: string;
  name: string;
  contextWindow: number | null;
  deprecated: boolean;
  raw: ModelInfo;
}

const providerData = new Map<ProviderId, Provider | undefined>();

function dataFor(provider: ProviderId): Provider | undefined {
  if (!providerData.has(provider)) {
    const priceDataId = PROVIDERS.find((p) => p.id === provider)?.priceDataId;
    providerData.set(provider, priceDataId === undefined ? undefined : findProvider({ providerId: priceDataId }));
  }
  return providerData.get(provider);
}

/** The data's match rules, evaluated as the package does (case-insensitive, except regex). */
export function matchesRule(rule: MatchLogic, name: string): boolean {
  const lower = name.toLowerCase();
  if ('or' in rule) return rule.or.some((r) => matchesRule(r, name));
  if ('and' in rule) return rule.and.every((r) => matchesRule(r, name));
  if ('equals' in rule) return lower === rule.equals.toLowerCase();
  if ('starts_with' in rule) return lower.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return lower.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return lower.includes(rule.contains.toLowerCase());
  if ('regex' in rule) return new RegExp(rule.regex).test(name);
  return false;
}

// Anthropic-style compact dates (`-20250929`) are written `-2025-09-29` in some rules.
const COMPACT_DATE = /-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

function toModel(provider: ProviderId, info: ModelInfo): PriceDataModel {
  return {
    provider,
    id: info.id,
    name: info.name ?? info.id,
    contextWindow: info.context_window ?? null,
    deprecated: info.deprecated === true,
    raw: info,
  };
}

function findIn(provider: ProviderId, data: Provider, name: string): PriceDataModel | undefined {
  const info = data.models.find((m) => matchesRule(m.match, name));
  return info ? toModel(provider, info) : undefined;
}

/**
 * The data model a provider's model name belongs to, by the data's match rules: dated
 * snapshots and `-latest` names match their family (`gpt-4o-2024-08-06` → `gpt-4o`).
 * Undefined when the data does not know the name (a fine-tune, tomorrow's release).
 */
export function matchPriceDataModel(provider: ProviderId, name: string): PriceDataModel | undefined {
  return matchOnce(`${provider}\n${name}`);
}

// Every request prices its model; running the match rules of a provider's whole list each
// time showed in the gateway's CPU profile.
const matchOnce = boundedMemo((key: string): PriceDataModel | undefined => {
  const cut = key.indexOf('\n');
  const provider = key.slice(0, cut) as ProviderId;
  const name = key.slice(cut + 1);
  const data = dataFor(provider);
  if (!data) return undefined;
  const found = findIn(provider, data, name);
  if (found) return found;
  const dashed = name.replace(COMPACT_DATE, '-$1-$2-$3');
  return dashed === name ? undefined : findIn(provider, data, dashed);
});

/** Every model the data lists for a provider, in the data's order. */
export function priceDataModels(provider: ProviderId): readonly PriceDataModel[] {
  return dataFor(provider)?.models.map((info) => toModel(provider, info)) ?? [];
}

/** Seconds after UTC midnight of an `HH:MM:SS[.fff](Z|±HH:MM)` time of day. */
function secondsOfDay(time: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(time);
  if (!m) throw new Error(`Invalid time of day in the price data: ${time}`);
  const local = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const offset = m[4] === 'Z' ? 0 : (m[5] === '-' ? -1 : 1) * (Number(m[6]) * 3600 + Number(m[7]) * 60);
  return (local - offset + 86_400) % 86_400;
}

function inWindow(at: Date, startTime: string, endTime: string): boolean {
  const now = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  const start = secondsOfDay(startTime);
  const end = secondsOfDay(endTime);
  return end < start ? now >= start || now < end : now >= start && now < end;
}

function pricesAt(info: ModelInfo, at: Date): ModelPrice {
  if (!Array.isArray(info.prices)) return info.prices;
  // Later entries win when their constraint holds: a start date that has passed, or a time-of-day
  // window (off-peak discounts) that `at` falls in. The first entry is the fallback.
  for (let i = info.prices.length - 1; i >= 0; i--) {
    const entry = info.prices[i];
    if (!entry) continue;
    const constraint = entry.constraint;
    if (constraint === undefined) return entry.prices;
    if (constraint.type === 'start_date' && at >= new Date(constraint.start_date)) return entry.prices;
    if (constraint.type === 'time_of_date' && inWindow(at, constraint.start_time, constraint.end_time)) return entry.prices;
  }
  return info.prices[0]?.prices ?? {};
}

function rate(value: ModelPrice[string]): TieredRate | null {
  if (value === undefined) return null;
  if (typeof value === 'number') return value;
  return { base: value.base, tiers: value.tiers.map((t) => ({ start: t.start, price: t.price })) };
}

/**
 * The model's token rates in force at `at`; null when the data has no input rate. A model priced
 * for input only (the embedding models) produces no output tokens: its output rate is 0.
 */
export function priceDataRates(model: PriceDataModel, at: Date = new Date()): PriceDataRates | null {
  const prices = pricesAt(model.raw, at);
  const input = rate(prices.input_mtok);
  if (input === null) return null;
  const output = rate(prices.output_mtok) ?? 0;
  return {
    input,
    cachedInput: rate(prices.cache_read_mtok),
    cacheWrite: rate(prices.cache_write_mtok),
    cacheWrite1h: rate(prices.cache_write_1h_mtok),
    output,
    webSearch: typeof prices.web_searches_kcount === 'number' ? prices.web_searches_kcount : null,
  };
}
