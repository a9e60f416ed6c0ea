import { Alert, Layout } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../shared/api/session';
import { ComingSoon } from '../features/coming-soon/ComingSoon';
import { CardIdentityWatcher } from '../features/devices/CardIdentityWatcher';
import { KeyBurstScanner } from '../features/devices/KeyBurstScanner';
import { AppHeader } from './AppHeader';
import { SECTION_PAGES } from './section-pages';
import { SECTIONS, type Section } from './sections';
import { SideNav } from './SideNav';
import { StatusBar } from './StatusBar';
import { useHashRoute } from './use-hash-route';
import { useIdleTouch } from './use-idle-touch';
import { setScopeUser } from './village-scope';

type Unlocked = Extract<SessionState, { state: 'unlocked' }>;

export function AppFrame(props: {
  session: Unlocked;
  onSession: (s: SessionState) => void;
  largeText: boolean;
  setLargeText: (on: boolean) => void;
}) {
  const { t } = useTranslation();
  setScopeUser(props.session.user);
  const [section, navigate] = useHashRoute();
  const mainRef = useRef<HTMLDivElement>(null);
  const moved = useRef(false);
  const current = useRef(section);
  current.current = section;
  useIdleTouch();

  useEffect(() => {
    // e.code, not e.key: Alt+digit types other characters on some keyboard layouts.
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = /^(?:Digit|Numpad)([1-9])$/.exec(e.code)?.[1];
      const target = n ? SECTIONS[Number(n) - 1] : undefined;
      if (!target) return;
      e.preventDefault();
      // The shortcut of the section already open starts it over from its heading, as opening it would (issue 16).
      if (target === current.current) mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
      moved.current = true;
      navigate(target);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  useEffect(() => {
    // After a shortcut, focus lands on the section's heading so screen readers and Tab start from the new content.
    if (!moved.current) return;
    moved.current = false;
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [section]);

  const Page = SECTION_PAGES[section];

  const go = (s: Section) => {
    moved.current = true;
    navigate(s);
  };

  return (
    <Layout className="app-frame">
      <AppHeader session={props.session} onSession={props.onSession} largeText={props.largeText} setLargeText={props.setLargeText} />
      <Layout hasSider className="app-body">
        <SideNav current={section} onNavigate={go} />
        <Layout.Content className="app-content">
          <div ref={mainRef}>
            {props.session.user.role === 'villageDoctor' && (props.session.user.villages ?? []).length === 0 ? (
              // A village doctor no admin has given villages yet sees empty lists: say why (issue 11).
              <Alert className="scope-notice" type="warning" showIcon role="alert" data-testid="no-villages" title={t('scope.noVillages')} />
            ) : null}
            {Page ? <Page session={props.session} /> : <ComingSoon section={section} />}
          </div>
        </Layout.Content>
      </Layout>
      <StatusBar session={props.session} />
      <CardIdentityWatcher />
      <KeyBurstScanner />
    </Layout>
  );
}
