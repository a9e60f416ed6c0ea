/**
 * One way for a screen part to load its data: a spinner while loading, the error (with 重试) if it failed, the data
 * once it came. The resident tabs (筛查, 慢病, 签约) each repeated this by hand (review of issue 16).
 */
import { Spin } from 'antd';
import { type DependencyList, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { LoadFailure } from './LoadFailure';

/**
 * Runs loads so that only the latest one started may deliver: an answer for a resident the screen has left (a
 * slower earlier request) is dropped instead of overwriting the newer one. Pure, so it is unit-tested.
 */
export function latestOnly() {
  let latest = 0;
  return <T,>(load: Promise<T>, deliver: (r: { ok: true; value: T } | { ok: false; error: unknown }) => void, stillMounted: () => boolean = () => true): Promise<void> => {
    const mine = ++latest;
    return load.then(
      (value) => {
        if (mine === latest && stillMounted()) deliver({ ok: true, value });
      },
      (error: unknown) => {
        if (mine === latest && stillMounted()) deliver({ ok: false, error });
      },
    );
  };
}

export interface Load<T> {
  /** Null until the first load came back. */
  data: T | null;
  /** What to show instead of the data: a spinner, or the error with 重试; null once the data is there. */
  placeholder: ReactNode;
  /** Loads again (after a save elsewhere); the data on screen stays until the new answer comes. */
  reload: () => Promise<void>;
  /** Puts an answer the screen already has (a save's result) in place without asking again. */
  setData: (data: T) => void;
}

/** Loads `fetch()` when the component mounts and whenever `deps` change. */
export function useLoad<T>(fetch: () => Promise<T>, deps: DependencyList): Load<T> {
  const [data, setData] = useState<T | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const run = useRef(latestOnly());
  const mounted = useRef(true);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;

  const reload = useCallback(
    () =>
      run.current(
        fetchRef.current(),
        (r) => {
          if (r.ok) {
            setData(r.value);
            setFailure(null);
          } else setFailure(r.error);
        },
        () => mounted.current,
      ),
    [],
  );

  const retry = useCallback(() => void reload(), [reload]);

  useEffect(() => {
    mounted.current = true;
    void reload();
    return () => {
      mounted.current = false;
    };
    // The caller's deps decide when to load again, as with useEffect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  let placeholder: ReactNode = null;
  if (failure) {
    placeholder = <LoadFailure error={failure} onRetry={retry} />;
  } else if (data === null) placeholder = <Spin />;
  return { data, placeholder, reload, setData };
}
