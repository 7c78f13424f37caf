import { vi } from 'vitest';

/**
 * Gives every element a size, so that recharts' ResponsiveContainer (which measures its box,
 * and jsdom lays nothing out) draws its SVG in component tests. Restored after each test.
 */
export function giveElementsASize(width = 800, height = 300): void {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
    width,
    height,
    top: 0,
    left: 0,
    right: width,
    bottom: height,
    x: 0,
    y: 0,
    toJSON: () => ({}),
  });
}
