import { describe, expect, it } from 'vitest';
import { stepPath } from './ProgressChart';

const point = (t: number, completed: number) => ({ t, queued: 0, in_progress: 0, completed, failed: 0, canceled: 0 });

describe('stepPath', () => {
  it('holds each count until the next point, then steps to the new one', () => {
    const path = stepPath([point(0, 0), point(10, 2), point(20, 3)], 'completed', (t) => t * 2, (n) => 100 - n * 10);
    expect(path).toBe('M0.0,100.0H20.0V80.0H40.0V70.0');
  });
});
