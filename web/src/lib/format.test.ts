import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRelative, formatTimeTick } from './format';

describe('formatBytes', () => {
  it('uses binary units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(12.34 * 1024 * 1024)).toBe('12.3 MiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.00 GiB');
  });
});

describe('formatDuration', () => {
  it('names a bucket width in the largest unit that divides it', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(15_000)).toBe('15 s');
    expect(formatDuration(300_000)).toBe('5 min');
    expect(formatDuration(5_400_000)).toBe('90 min');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(2 * 86_400_000)).toBe('2 d');
    expect(formatDuration(1500)).toBe('1.5 s');
  });
});

describe('formatTimeTick', () => {
  it('shows the date only on charts longer than a day', () => {
    const ms = new Date(2025, 2, 1, 14, 5).getTime();
    expect(formatTimeTick(ms, 3_600_000)).toBe('14:05');
    expect(formatTimeTick(ms, 7 * 86_400_000)).toBe('03-01 14:05');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it('says how long ago in whole units', () => {
    expect(formatRelative('2025-03-01T11:59:58Z', now)).toBe('just now');
    expect(formatRelative('2025-03-01T11:59:30Z', now)).toBe('30 s ago');
    expect(formatRelative('2025-03-01T11:54:30Z', now)).toBe('5 min ago');
    expect(formatRelative('2025-03-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatRelative('2025-02-27T12:00:00Z', now)).toBe('2 d ago');
    expect(formatRelative('2025-03-01T12:10:00Z', now)).toBe('in 10 min');
    expect(formatRelative('not a date', now)).toBe('not a date');
  });
});
