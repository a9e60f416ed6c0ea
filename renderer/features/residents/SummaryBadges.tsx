import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ResidentSummary } from '../../../shared/api/residents';

const CONTRACT_COLOR: Record<ResidentSummary['contractStatus'], string> = {
  none: 'default',
  active: 'green',
  expiring: 'orange',
  expired: 'red',
};

/** Key-population tags, contract status and what is due, as a row of short labels. */
export function SummaryBadges({ summary, hideContract }: { summary: ResidentSummary; hideContract?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className="summary-badges">
      {summary.status !== 'active' && <Tag color="default">{t(`residents.status.${summary.status}`)}</Tag>}
      {summary.tags.map((tag) => (
        <Tag key={tag} color="blue">
          {t(`residents.tag.${tag}`, { defaultValue: tag })}
        </Tag>
      ))}
      {!hideContract && <Tag color={CONTRACT_COLOR[summary.contractStatus]}>{t(`residents.contract.${summary.contractStatus}`)}</Tag>}
      {summary.due.map((d) => (
        <Tag key={d} color="gold">
          {t(`residents.due.${d}`, { defaultValue: d })}
        </Tag>
      ))}
    </span>
  );
}
