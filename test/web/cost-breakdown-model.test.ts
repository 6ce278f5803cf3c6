import { describe, expect, it } from 'vitest';
import { costCsv, costGroupBy, costRows, costTotal, rowsOverlap } from '../../web/src/features/usage/model/cost.js';
import {
  ALL_TAGS,
  chosenTagKind,
  costBars,
  costBreakdownTitle,
  costRowRequestsLink,
  costSortFrom,
  costSortParam,
  nextCostSort,
  rowsOfTagKind,
  shownRows,
  sortCostRows,
  tagKinds,
} from '../../web/src/features/usage/model/cost-breakdown.js';
import type { UsageGroup } from '../../web/src/features/usage/model/usage-totals.js';
import { usageGroup } from './usage-group.js';

/** A group of Acme's with one request and no platform cost (as a tenant sees it). */
function g(fields: Partial<UsageGroup>): UsageGroup {
  return usageGroup({ organizationId: 'acme', organizationName: 'Acme', requests: 1, platformCostUsd: null, ...fields });
}

// TAG groups of one organization: a request tagged team:support and feature:chat is in both.
const TAGS = [
  g({ tag: 'team:support', requests: 4, inputTokens: 400, outputTokens: 40, billedCostUsd: '0.3' }),
  g({ tag: 'team:search', requests: 9, inputTokens: 900, outputTokens: 90, billedCostUsd: '0.300001' }),
  g({ tag: 'feature:chat', requests: 4, billedCostUsd: '2' }),
  g({ tag: 'feature:summarize', requests: 1, billedCostUsd: '1' }),
  g({ tag: 'env:prod', requests: 10, billedCostUsd: '2.5' }),
  g({ tag: 'nightly', requests: 1, billedCostUsd: '0.1' }),
  g({ tag: null, requests: 2, billedCostUsd: '0.05' }),
];

describe('cost by team (tag), end user and endpoint', () => {
  it('groups tags and end users per organization, never merging two organizations’ “team:support”', () => {
    expect(costGroupBy('TAG')).toEqual(['TAG', 'ORGANIZATION']);
    expect(costGroupBy('END_USER')).toEqual(['END_USER', 'ORGANIZATION']);
    expect(costGroupBy('ENDPOINT')).toEqual(['ENDPOINT']);
    const { rows } = costRows(
      [
        g({ tag: 'team:support', billedCostUsd: '1' }),
        g({ tag: 'team:support', organizationId: 'globex', organizationName: 'Globex', billedCostUsd: '2' }),
      ],
      'TAG',
    );
    expect(rows.map((r) => [r.label, r.value, r.organizationId])).toEqual([
      ['team:support · Globex', 'team:support', 'globex'],
      ['team:support · Acme', 'team:support', 'acme'],
    ]);
    // One organization (a member, or the organization filter): the tag alone.
    expect(costRows([g({ endUser: 'cust_1' }), g({ endUser: null })], 'END_USER').rows.map((r) => r.label)).toEqual([
      '(no end user)',
      'cust_1',
    ]);
  });

  it('tag rows overlap: no total line from them (the page takes the total from an ungrouped report)', () => {
    expect(rowsOverlap('TAG')).toBe(true);
    expect(rowsOverlap('END_USER')).toBe(false);
    const { rows } = costRows(TAGS, 'TAG');
    expect(costCsv(rows.slice(0, 1), null, 'TAG', false)).toBe(
      'Team (tag),Requests,Input tokens,Output tokens,Billed cost (USD)\r\nenv:prod,10,0,0,2.500000000000\r\n',
    );
    expect(costTotal([g({ requests: 3, billedCostUsd: '1.5' })])).toMatchObject({
      label: 'Total',
      requests: 3,
      billedUsd: '1.500000000000',
    });
  });

  it('shows one kind of tag, teams first when there are teams; kinds ordered by what they billed', () => {
    const { rows } = costRows(TAGS, 'TAG');
    const kinds = tagKinds(rows);
    expect(kinds).toEqual(['feature', 'env', 'team']);
    expect(chosenTagKind(null, kinds)).toBe('team');
    expect(chosenTagKind('feature', kinds)).toBe('feature');
    expect(chosenTagKind('nonsense', kinds)).toBe('team');
    expect(chosenTagKind(null, ['feature'])).toBe(ALL_TAGS);
    expect(rowsOfTagKind(rows, 'team').map((r) => r.value)).toEqual(['team:search', 'team:support']);
    expect(rowsOfTagKind(rows, ALL_TAGS)).toHaveLength(7);
    expect(costBreakdownTitle('Team (tag)', 'TAG', 'team')).toBe('Billed cost by team');
    expect(costBreakdownTitle('Team (tag)', 'TAG', ALL_TAGS)).toBe('Billed cost by tag');
    expect(costBreakdownTitle('End user', 'END_USER', ALL_TAGS)).toBe('Billed cost by end user');
  });

  it('sorts exactly by billed cost (a micro-dollar apart), requests or tokens, either way', () => {
    const teams = rowsOfTagKind(costRows(TAGS, 'TAG').rows, 'team');
    expect(sortCostRows(teams, { key: 'billed', descending: true }).map((r) => r.value)).toEqual(['team:search', 'team:support']);
    expect(sortCostRows(teams, { key: 'billed', descending: false }).map((r) => r.value)).toEqual(['team:support', 'team:search']);
    expect(sortCostRows(teams, { key: 'tokens', descending: false }).map((r) => r.value)).toEqual(['team:support', 'team:search']);
    // The sort lives in the URL: the default has no parameter.
    expect(costSortFrom(null)).toEqual({ key: 'billed', descending: true });
    expect(costSortFrom('+requests')).toEqual({ key: 'requests', descending: false });
    expect(costSortFrom('<script>')).toEqual({ key: 'billed', descending: true });
    const flipped = nextCostSort({ key: 'billed', descending: true }, 'billed');
    expect(flipped).toEqual({ key: 'billed', descending: false });
    expect(costSortParam(flipped)).toBe('+billed');
    expect(costSortParam(nextCostSort(flipped, 'billed'))).toBeNull();
    expect(nextCostSort(flipped, 'tokens')).toEqual({ key: 'tokens', descending: true });
  });

  it('caps the table, draws the most billed bars, and leaves nothing-billed rows out of the chart', () => {
    const many = costRows(
      Array.from({ length: 130 }, (_, i) => g({ endUser: `cust_${i}`, billedCostUsd: String(i / 100) })),
      'END_USER',
    ).rows;
    const { shown, hidden } = shownRows(many);
    expect(shown).toHaveLength(100);
    expect(hidden).toBe(30);
    const bars = costBars(many);
    expect(bars).toHaveLength(10);
    expect(bars[0]).toEqual({ key: 'acme|cust_129', label: 'cust_129', billed: 1.29 });
    expect(costBars(costRows([g({ endUser: 'free', billedCostUsd: '0' })], 'END_USER').rows)).toEqual([]);
  });

  it('links a row to its requests in the same range and organization, with hostile values encoded', () => {
    const scope = { rangeQuery: 'range=7d', organizationId: null };
    const [tag] = costRows([g({ tag: 'team:a&b=c#d' })], 'TAG').rows;
    const link = costRowRequestsLink(tag!, 'TAG', scope) as string;
    const params = new URLSearchParams(link.split('?')[1]);
    expect(link.startsWith('/requests?')).toBe(true);
    expect(Object.fromEntries(params)).toEqual({ range: '7d', organizationId: 'acme', tag: 'team:a&b=c#d' });
    const [user] = costRows([g({ endUser: 'cust_9' })], 'END_USER').rows;
    expect(costRowRequestsLink(user!, 'END_USER', scope)).toBe('/requests?range=7d&organizationId=acme&endUser=cust_9');
    const [endpoint] = costRows([g({ organizationId: null, endpoint: 'anthropic-messages' })], 'ENDPOINT').rows;
    expect(costRowRequestsLink(endpoint!, 'ENDPOINT', { rangeQuery: '', organizationId: 'globex' })).toBe(
      '/requests?organizationId=globex&endpoint=anthropic-messages',
    );
    // Untagged requests cannot be selected by a filter: no link.
    const [untagged] = costRows([g({ tag: null })], 'TAG').rows;
    expect(costRowRequestsLink(untagged!, 'TAG', scope)).toBeNull();
  });
});
