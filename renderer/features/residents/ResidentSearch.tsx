import { Input, type InputRef, Spin } from 'antd';
import { type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentSummary } from '../../../shared/api/residents';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { isDataUpdating, LoadFailure } from '../../app/LoadFailure';
import { codeLabel, useLang } from './code-options';
import * as cs from '../../../shared/domain/code-sets';
import { SummaryBadges } from './SummaryBadges';

const DEBOUNCE_MS = 150;

/**
 * 查找居民: finds as one types (name, pinyin, initials, ID number or its last 4–6, phone or its last 4, record number
 * or its last 5). Arrow keys move through the results and Enter opens one, so the mouse is never needed.
 */
export function ResidentSearch(props: { onOpen: (r: ResidentSummary) => void; autoFocus?: boolean; placeholder?: string; label?: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<ResidentSummary[] | null>(null);
  const [active, setActive] = useState(0);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef('');
  const input = useRef<InputRef>(null);
  const listId = useId();

  useEffect(() => {
    if (!props.autoFocus) return;
    // After the frame's own focus move (it focuses the section heading on Alt+n): the search is where work starts.
    const timer = setTimeout(() => input.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [props.autoFocus]);

  useEffect(() => {
    const q = query.trim();
    latest.current = q;
    if (!q) {
      setResults(null);
      return;
    }
    const timer = setTimeout(() => {
      setLoading(true);
      api.residents
        .search({ query: q, limit: 30 })
        .then((found) => {
          if (latest.current !== q) return;
          setResults(found);
          setActive(0);
          setFailure(null);
        })
        .catch((e: unknown) => {
          if (latest.current === q) setFailure(e);
        })
        .finally(() => setLoading(false));
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, attempt]);
  // After DATA_UPDATING: the same query once more when the update is over (LoadFailure).
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!results || results.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : -1) + results.length) % results.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = results[active];
      if (r) props.onOpen(r);
    } else if (e.key === 'Escape') {
      setQuery('');
    }
  };

  const label = props.label ?? t('residents.search.label');
  return (
    <div className="resident-search">
      <Input
        ref={input}
        size="large"
        allowClear
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder={props.placeholder ?? t('residents.search.placeholder')}
        aria-label={label}
        role="combobox"
        aria-expanded={results !== null && results.length > 0}
        aria-controls={listId}
        aria-activedescendant={results?.[active] ? `${listId}-${results[active].id}` : undefined}
        suffix={loading ? <Spin size="small" /> : <span />}
        maxLength={40}
      />
      {failure !== null &&
        (isDataUpdating(failure) ? (
          <LoadFailure error={failure} onRetry={retry} compact />
        ) : (
          <div className="search-error" role="alert">
            {errorText(failure)}
          </div>
        ))}
      {results !== null && (
        <ul id={listId} role="listbox" aria-label={t('residents.search.results')} className="search-results">
          {results.length === 0 && <li className="search-empty">{t('residents.search.none')}</li>}
          {results.map((r, i) => (
            <li
              key={r.id}
              id={`${listId}-${r.id}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => props.onOpen(r)}
            >
              <strong className="search-name">{r.name}</strong>
              <span>{codeLabel(cs.sex, r.sex, lang)}</span>
              <span>{t('residents.ageYears', { age: r.age })}</span>
              <span>{r.villageName}</span>
              <span className="monospace resident-muted">{r.idNumber ? `…${r.idNumber.slice(-4)}` : r.recordNo}</span>
              <SummaryBadges summary={r} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
