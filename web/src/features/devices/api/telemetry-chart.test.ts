import { describe, expect, it } from 'vitest';
import { toChartData } from './telemetry-chart';

describe('toChartData', () => {
  it('merges numbers and booleans (as 0/1) by time, and lists string changes newest first', () => {
    const data = toChartData([
      { key: 'env.temp', kind: 'number', truncated: false, points: [[1000, 21.5], [2000, 22]] },
      { key: 'door_open', kind: 'boolean', truncated: false, points: [[2000, true], [3000, false]] },
      {
        key: 'mode',
        kind: 'string',
        truncated: false,
        points: [[1000, 'eco'], [2000, 'eco'], [3000, 'boost'], [4000, 'eco']],
      },
    ]);
    expect(data.lines).toEqual([
      { name: 'k0', label: 'env.temp', kind: 'number' },
      { name: 'k1', label: 'door_open', kind: 'boolean' },
    ]);
    expect(data.rows).toEqual([
      { ts: 1000, k0: 21.5 },
      { ts: 2000, k0: 22, k1: 1 },
      { ts: 3000, k1: 0 },
    ]);
    expect(data.points).toBe(4);
    expect(data.texts).toEqual([
      {
        key: 'mode',
        changes: [
          [4000, 'eco'],
          [3000, 'boost'],
          [1000, 'eco'],
        ],
      },
    ]);
  });
});
