import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Section } from '../../app/sections';

/** Sections not built yet say so plainly and what they will do; nothing here pretends to work. */
export function ComingSoon({ section }: { section: Section }) {
  const { t } = useTranslation();
  return (
    <section className="section" data-section={section}>
      <h1 tabIndex={-1}>{t(`nav.${section}`)}</h1>
      <Result status="info" title={t('comingSoon.title')} subTitle={t(`comingSoon.${section}`)} />
    </section>
  );
}
