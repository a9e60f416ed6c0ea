import { describe, expect, it } from 'vitest';

import { checkPasswordPolicy, throttleDelayMs } from '../../../../../main/store/keys/sign-in-policy';

describe('throttleDelayMs', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 1_000],
    [4, 2_000],
    [5, 4_000],
    [11, 256_000],
    [12, 300_000],
    [13, 300_000],
    [1_000, 300_000],
  ])('%i failures -> %i ms', (failures, ms) => expect(throttleDelayMs(failures)).toBe(ms));
});

describe('checkPasswordPolicy', () => {
  it.each([
    ['', 'tooShort'],
    ['1234567', 'tooShort'],
    ['12345678', null],
    ['医生的密码很安全', null],
    ['医生的密码安全', 'tooShort'],
    ['😀😀😀😀😀😀😀', 'tooShort'],
    ['x'.repeat(256), null],
    ['x'.repeat(257), 'tooLong'],
  ])('%j -> %s', (password, reason) => {
    const error = checkPasswordPolicy(password);
    expect(error ? error.details?.reason : null).toBe(reason);
    if (error) expect(error.code).toBe('WEAK_PASSWORD');
  });
});
