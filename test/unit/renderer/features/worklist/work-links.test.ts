import { describe, expect, it } from 'vitest';
import { hashFor, parseHashParams } from '../../../../../renderer/features/worklist/hash-params';
import { workHref, workLink } from '../../../../../renderer/features/worklist/work-links';
import { sectionFromHash } from '../../../../../renderer/app/sections';

describe('work-list rows open the form that does the work', () => {
  it.each([
    ['followup', 'followups', { residentId: 'r1', disease: 't2dm', open: 'new', from: 'worklist' }],
    ['recheck', 'followups', { residentId: 'r1', disease: 't2dm', open: 'new', from: 'worklist' }],
    ['quarterGap', 'followups', { residentId: 'r1', disease: 't2dm', open: 'new', from: 'worklist' }],
    ['missedQuarter', 'followups', { residentId: 'r1', disease: 't2dm', open: 'new', from: 'worklist' }],
    ['screening', 'residents', { id: 'r1', tab: 'screening' }],
    ['referralCheck', 'followups', { residentId: 'r1', disease: 't2dm', open: 'referral', sourceId: 'v9' }],
    ['healthCheck', 'checks', { residentId: 'r1' }],
    ['contractExpiring', 'contracts', { residentId: 'r1', contractId: 'c7', open: 'renew' }],
    ['noContract', 'contracts', { residentId: 'r1', open: 'sign' }],
  ] as const)('%s → %s %j', (kind, section, params) => {
    const row = { residentId: 'r1', kind: kind, disease: 't2dm' as const, params: { sourceId: 'v9', contractId: 'c7' } };
    expect(workLink(row)).toEqual({ section, params: { ...params } });
    const href = workHref(row);
    expect(sectionFromHash(href)).toBe(section);
    expect(parseHashParams(href)).toEqual(params);
  });

  it('leaves out empty parameters and encodes the rest', () => {
    expect(hashFor('followups', { residentId: 'a b&c', disease: '' })).toBe('#/followups?residentId=a+b%26c');
    expect(parseHashParams('#/followups?residentId=a+b%26c')).toEqual({ residentId: 'a b&c' });
    expect(parseHashParams('#/worklist')).toEqual({});
    expect(hashFor('contracts')).toBe('#/contracts');
  });
});
