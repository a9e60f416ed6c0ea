import { useCallback, useState } from 'react';

const LARGE_TEXT_KEY = 'cunyi.largeText';

/** 大字模式, kept per computer in localStorage like the language. */
export function useLargeText(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => localStorage.getItem(LARGE_TEXT_KEY) === '1');
  const set = useCallback((value: boolean) => {
    localStorage.setItem(LARGE_TEXT_KEY, value ? '1' : '0');
    setOn(value);
  }, []);
  return [on, set];
}
