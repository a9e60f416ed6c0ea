import { Alert, Empty, List, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TimelineItem } from '../../../shared/api/residents';
import { routeHref } from './route';

/**
 * 时间线: checks, follow-ups, enrolments and contracts, newest first. An amended event shows its newest content,
 * marked 已修订 with the reason (from the check and follow-up views, which carry it; the timeline item does not).
 */
export function Timeline(props: { items: TimelineItem[] | null; amendReasons: ReadonlyMap<string, string>; residentId: string; failure?: string }) {
  const { t } = useTranslation();
  if (props.failure) return <Alert type="error" showIcon title={props.failure} />;
  if (props.items && props.items.length === 0) return <Empty description={t('residents.timeline.empty')} />;
  const hrefOf = (item: TimelineItem): string => {
    if (item.kind === 'healthCheck') return routeHref('checks', { checkId: item.id });
    if (item.kind === 'contract' || item.kind === 'contractService') return routeHref('contracts', { residentId: props.residentId });
    return routeHref('followups', { residentId: props.residentId });
  };
  return (
    <List
      className="timeline"
      data-testid="timeline"
      loading={props.items === null}
      dataSource={props.items ?? []}
      renderItem={(item) => {
        const reason = props.amendReasons.get(item.id);
        return (
          <List.Item className="timeline-item" data-kind={item.kind}>
            <span className="timeline-date monospace">{item.date}</span>
            <a href={hrefOf(item)} className="timeline-title">
              {t(`residents.timeline.kind.${item.kind}`)}
            </a>
            <Tag color={item.status === 'completed' || item.status === 'active' ? 'green' : 'default'}>
              {t(`residents.timeline.status.${item.status}`, { defaultValue: item.status })}
            </Tag>
            <span className="resident-muted">{item.title}</span>
            {item.amendedBy.length > 0 && (
              <span className="timeline-amended">
                <Tag color="purple">{t('residents.timeline.amended', { count: item.amendedBy.length })}</Tag>
                {reason ? t('residents.timeline.reason', { reason }) : null}
              </span>
            )}
          </List.Item>
        );
      }}
    />
  );
}
