import { describe, expect, it } from 'vitest';
import { codeOptions } from '../../../../../renderer/features/residents/code-options';
import * as cs from '../../../../../shared/domain/code-sets';

describe('sex options', () => {
  // Issue 16: 未知的性别 was offered before 男/女.
  it('offer 男 and 女 first, the rare GB/T 2261.1 codes after', () => {
    expect(codeOptions(cs.sex, 'zh').map((o) => o.label)).toEqual(['男', '女', '未知的性别', '未说明的性别']);
    expect(codeOptions(cs.sex, 'zh').map((o) => o.value)).toEqual(['1', '2', '0', '9']);
  });
});
