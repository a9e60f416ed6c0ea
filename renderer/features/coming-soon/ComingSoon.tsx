import { useTranslation } from 'react-i18next';
import type { Section } from '../../app/sections';

/**
 * Sections not built yet say so plainly and what they will do; nothing here pretends to work. Calm on purpose: no
 * warning icon or colour, since nothing is wrong (issue 16: a large blue "!" read as an error).
 */
export function ComingSoon({ section }: { section: Section }) {
  const { t } = useTranslation();
  return (
    <section className="section" data-section={section}>
      <h1 tabIndex={-1}>{t(`nav.${section}`)}</h1>
      <div className="coming-later" data-testid="coming-later">
        <p className="coming-later-title">{t('comingSoon.title')}</p>
        <p>{t(`comingSoon.${section}`)}</p>
      </div>
    </section>
  );
}
