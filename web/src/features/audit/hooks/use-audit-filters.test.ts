import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, filtersFromParams, filtersToParams, filtersToQuery } from './use-audit-filters';

describe('audit filters', () => {
  it('empty filters query everything', () => {
    expect(filtersToQuery(EMPTY_FILTERS)).toEqual({});
    expect(filtersToParams(EMPTY_FILTERS).toString()).toBe('');
  });

  it('round-trips through the URL and ignores unknown enum values', () => {
    const values = { ...EMPTY_FILTERS, actor_type: 'device' as const, target_id: 'dev_1', to: '2025-01-02T03:04' };
    expect(filtersFromParams(filtersToParams(values))).toEqual(values);
    expect(filtersFromParams(new URLSearchParams('result=bogus&actor_type=robot')).result).toBe('');
  });

  it('turns local times into RFC 3339 UTC without milliseconds', () => {
    const query = filtersToQuery({ ...EMPTY_FILTERS, from: '2025-01-02T03:04', to: 'not a date' });
    expect(query.since).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    expect(new Date(query.since ?? '').getTime()).toBe(new Date('2025-01-02T03:04').getTime());
    expect(query.until).toBeUndefined();
  });
});
