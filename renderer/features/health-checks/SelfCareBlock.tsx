import { Alert, Form, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import { SELF_CARE_ITEM_NAMES, SELF_CARE_ITEMS, SELF_CARE_LEVEL_SCORES, type SelfCareItem } from '../../../shared/domain/self-care';
import { scoreSelfCare } from '../../../shared/domain/self-care';
import * as cs from '../../../shared/domain/code-sets';
import { useLang } from '../residents/code-options';

const LEVELS = [0, 1, 2, 3] as const;

/**
 * 老年人生活自理能力评估表 (records.md §4): one row per item, four levels with the item's own points; the total and
 * the band (copied to 健康体检表 "生活自理能力自我评估") update as the boxes are ticked. Required at 65+.
 */
export function SelfCareBlock(props: { required: boolean; message?: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const levels = (Form.useWatch('selfCareLevels') ?? {}) as Partial<Record<SelfCareItem, number>>;
  const complete = SELF_CARE_ITEMS.every((item) => typeof levels[item] === 'number');
  const scored = complete
    ? scoreSelfCare(Object.fromEntries(SELF_CARE_ITEMS.map((item) => [item, SELF_CARE_LEVEL_SCORES[item][levels[item] ?? 0]])) as Record<SelfCareItem, number>)
    : null;
  return (
    <div className="self-care-block" data-testid="self-care">
      <p className="resident-muted">{props.required ? t('health-checks.selfCare.required') : t('health-checks.selfCare.optional')}</p>
      {props.message && <Alert type="error" showIcon title={props.message} className="form-alert" role="alert" />}
      {SELF_CARE_ITEMS.map((item) => (
        <Form.Item key={item} name={['selfCareLevels', item]} label={t(`health-checks.selfCare.item.${item}`)} className="self-care-item">
          <Radio.Group
            aria-label={SELF_CARE_ITEM_NAMES[item][lang]}
            options={LEVELS.map((level) => ({
              value: level,
              label: t('health-checks.selfCare.level', {
                level: cs.elderSelfCare[level]?.[lang] ?? '',
                score: SELF_CARE_LEVEL_SCORES[item][level],
              }),
            }))}
          />
        </Form.Item>
      ))}
      <div className="self-care-total" data-testid="self-care-total">
        {scored?.ok
          ? t('health-checks.selfCare.total', { total: scored.total, band: cs.elderSelfCare[scored.band - 1]?.[lang] ?? '' })
          : t('health-checks.selfCare.incomplete')}
      </div>
    </div>
  );
}
