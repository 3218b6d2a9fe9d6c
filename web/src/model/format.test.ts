import { describe, expect, it } from 'vitest';
import { formatSize, formatTime, isPreviewable, typingText } from './format';

describe('format', () => {
  it('shows only the time for today and the date otherwise', () => {
    const now = new Date(2025, 5, 15, 18, 0).getTime();
    expect(formatTime(new Date(2025, 5, 15, 9, 5).getTime(), now)).toBe('09:05');
    expect(formatTime(new Date(2025, 2, 3, 14, 3).getTime(), now)).toBe('3 Mar 14:03');
    expect(formatTime(new Date(2024, 2, 3, 14, 3).getTime(), now)).toBe('3 Mar 2024 14:03');
  });

  it('sizes', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 kB');
    expect(formatSize(25 * 1024 * 1024)).toBe('25 MB');
  });

  it('typing text', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['bob'])).toBe('bob is typing…');
    expect(typingText(['bob', 'carol'])).toBe('bob and carol are typing…');
    expect(typingText(['a', 'b', 'c'])).toBe('3 people are typing…');
  });

  it('previews raster images only (never SVG or HTML)', () => {
    expect(isPreviewable('image/PNG')).toBe(true);
    expect(isPreviewable('image/svg+xml')).toBe(false);
    expect(isPreviewable('text/html')).toBe(false);
  });
});
