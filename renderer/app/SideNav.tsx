import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SECTIONS, type Section } from './sections';

/**
 * Plain links rather than a menu widget: every section is a Tab stop with Enter to open it, arrows move between
 * them, and the hash route is the link's href, so middle-click and reload behave as expected.
 */
export function SideNav({ current, onNavigate }: { current: Section; onNavigate: (s: Section) => void }) {
  const { t } = useTranslation();
  const listRef = useRef<HTMLUListElement>(null);

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
    const links = Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('a') ?? []);
    const i = links.findIndex((a) => a === document.activeElement);
    const next =
      e.key === 'Home' ? 0 : e.key === 'End' ? links.length - 1 : (i + (e.key === 'ArrowDown' ? 1 : -1) + links.length) % links.length;
    e.preventDefault();
    links[next]?.focus();
  };

  return (
    <nav className="side-nav" aria-label={t('nav.label')}>
      <ul ref={listRef} onKeyDown={onKeyDown}>
        {SECTIONS.map((s, i) => (
          <li key={s}>
            <a
              href={`#/${s}`}
              data-section={s}
              aria-current={s === current ? 'page' : undefined}
              aria-keyshortcuts={`Alt+${i + 1}`}
              className={s === current ? 'active' : undefined}
              onClick={(e) => {
                e.preventDefault();
                onNavigate(s);
              }}
            >
              <span>{t(`nav.${s}`)}</span>
              <kbd>{t('nav.shortcut', { n: i + 1 })}</kbd>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
