/** Picklist options from the values the data uses, as the destination compares them. */
import { describe, expect, it } from 'vitest';
import { optionKey, picklistOptions } from '../../engine/steps/setup.ts';

describe('picklist options', () => {
  it('keeps one option per value as the destination compares them, preferring the mixed-case spelling', () => {
    expect(picklistOptions(['retail', 'Retail', 'RETAIL', ' Public  Sector', 'public sector', 'Services'])).toEqual(['Public Sector', 'Retail', 'Services']);
    expect(picklistOptions(['HVAC', 'hvac'])).toEqual(['HVAC']);
    expect(new Set(picklistOptions(['a', 'A', 'b ', 'B']).map(optionKey)).size).toBe(2);
  });
});
