import { describe, expect, it } from 'vitest';
import { commonAncestor } from '../../src/store';

const path = (...ids: string[]): { id: string }[] => ids.map((id) => ({ id }));

describe('commonAncestor', () => {
  it('returns the fork point of two branches', () => {
    expect(commonAncestor(path('r', 'a', 'b', 'x1'), path('r', 'a', 'b', 'y1', 'y2'))).toBe('b');
  });

  it('returns the shorter path’s head when one path extends the other', () => {
    expect(commonAncestor(path('r', 'a'), path('r', 'a', 'b', 'c'))).toBe('a');
    expect(commonAncestor(path('r', 'a', 'b', 'c'), path('r', 'a'))).toBe('a');
  });

  it('returns the head for identical paths', () => {
    expect(commonAncestor(path('r', 'a', 'b'), path('r', 'a', 'b'))).toBe('b');
  });

  it('returns null for paths from different roots, or an empty path', () => {
    expect(commonAncestor(path('r1', 'a'), path('r2', 'a2'))).toBeNull();
    expect(commonAncestor([], path('r', 'a'))).toBeNull();
    expect(commonAncestor(path('r'), [])).toBeNull();
  });

  it('finds the shared node when a path is a suffix rather than from the root', () => {
    expect(commonAncestor(path('b', 'c', 'x'), path('r', 'a', 'b', 'c', 'y'))).toBe('c');
  });

  it('is symmetric for real paths', () => {
    const a = path('r', 'a', 'b', 'c');
    const b = path('r', 'a', 'd');
    expect(commonAncestor(a, b)).toBe(commonAncestor(b, a));
  });
});
