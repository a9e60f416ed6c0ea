import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import * as cs from '../../../shared/domain/code-sets';
import { codeOptions, useLang } from '../residents/code-options';

type Kind = 'hospitalizations' | 'medications' | 'vaccinations';

const COLUMNS: Record<Kind, string[]> = {
  hospitalizations: ['kind', 'startDate', 'endDate', 'reason', 'facilityDept', 'caseNo'],
  medications: ['drugName', 'route', 'dose', 'duration', 'adherence'],
  vaccinations: ['vaccineName', 'date', 'org'],
};

/** 住院治疗情况, 主要用药情况, 非免疫规划预防接种史: rows added as needed, one line each. */
export function RowsBlock({ kind }: { kind: Kind }) {
  const { t } = useTranslation();
  const lang = useLang();
  const label = (col: string) => t(`health-checks.rows.${kind}.${col}`);
  const cell = (col: string) => {
    if (col === 'adherence') return <Select allowClear options={codeOptions(cs.adherence, lang)} aria-label={label(col)} className="row-select" />;
    if (col === 'kind')
      return (
        <Select
          aria-label={label(col)}
          className="row-select"
          options={[
            { value: 'inpatient', label: t('health-checks.rows.inpatient') },
            { value: 'homeBed', label: t('health-checks.rows.homeBed') },
          ]}
        />
      );
    const isDate = /date/i.test(col);
    return <Input aria-label={label(col)} maxLength={isDate ? 10 : 100} placeholder={isDate ? t('residents.form.datePlaceholder') : undefined} />;
  };
  return (
    <Form.List name={kind}>
      {(fields, { add, remove }) => (
        <div className="rows-block">
          {fields.map((field) => (
            <Space key={field.key} wrap align="start" className="rows-row">
              {COLUMNS[kind].map((col) => (
                <Form.Item key={col} name={[field.name, col]} label={label(col)}>
                  {cell(col)}
                </Form.Item>
              ))}
              <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} className="row-remove" />
            </Space>
          ))}
          <Button icon={<PlusOutlined />} onClick={() => add(kind === 'hospitalizations' ? { kind: 'inpatient' } : {})}>
            {t(`health-checks.rows.add.${kind}`)}
          </Button>
        </div>
      )}
    </Form.List>
  );
}
