import { describe, expect, it } from 'vitest';
import { effectiveFlag } from '../../../server/domain/flags/flag-precedence.js';

const none = { envOverride: null, global: false, organization: null, project: null };

describe('effectiveFlag: the one feature-flag precedence', () => {
  it('the global value applies where nothing overrides it', () => {
    expect(effectiveFlag(none)).toEqual({ enabled: false, source: 'GLOBAL' });
    expect(effectiveFlag({ ...none, global: true })).toEqual({ enabled: true, source: 'GLOBAL' });
  });

  it("an organization's override beats the global value, a project's beats its organization's", () => {
    expect(effectiveFlag({ ...none, organization: true })).toEqual({ enabled: true, source: 'ORGANIZATION' });
    expect(effectiveFlag({ ...none, global: true, organization: false })).toEqual({ enabled: false, source: 'ORGANIZATION' });
    expect(effectiveFlag({ ...none, organization: true, project: false })).toEqual({ enabled: false, source: 'PROJECT' });
    expect(effectiveFlag({ ...none, project: true })).toEqual({ enabled: true, source: 'PROJECT' });
  });

  it('the environment decides everywhere when set', () => {
    expect(effectiveFlag({ envOverride: false, global: true, organization: true, project: true })).toEqual({
      enabled: false,
      source: 'ENVIRONMENT',
    });
    expect(effectiveFlag({ ...none, envOverride: true })).toEqual({ enabled: true, source: 'ENVIRONMENT' });
  });
});
