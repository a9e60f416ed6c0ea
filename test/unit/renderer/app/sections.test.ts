import { describe, expect, it } from 'vitest';
import { SECTIONS, sectionFromHash } from '../../../../renderer/app/sections';

describe('hash routes', () => {
  it.each([
    ['', 'worklist'],
    ['#', 'worklist'],
    ['#/', 'worklist'],
    ['#/settings', 'settings'],
    ['#settings', 'settings'],
    ['#/residents/abc', 'residents'],
    ['#/followups?id=1', 'followups'],
    ['#/nowhere', 'worklist'],
    ['#token=abc', 'worklist'],
  ])('%s opens %s', (hash, section) => expect(sectionFromHash(hash)).toBe(section));

  it('has nine sections, one per Alt+1..Alt+9 shortcut', () => {
    expect(SECTIONS).toHaveLength(9);
  });
});
