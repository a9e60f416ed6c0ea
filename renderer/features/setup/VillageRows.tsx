import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Village rows (12-digit code + name), shared by the wizard and the settings page. */
export function VillageRows({ name = 'villages' }: { name?: string }) {
  const { t } = useTranslation();
  return (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <>
          {fields.length === 0 && <Typography.Paragraph type="secondary">{t('setup.noVillages')}</Typography.Paragraph>}
          {fields.map((field, i) => (
            <Space key={field.key} align="start" className="village-row" wrap>
              <Form.Item
                name={[field.name, 'code']}
                label={i === 0 ? t('setup.villageCode') : undefined}
                rules={[
                  { required: true, message: t('form.required') },
                  { pattern: /^\d{12}$/, message: t('validation.villageCode') },
                ]}
              >
                <Input inputMode="numeric" maxLength={12} aria-label={t('setup.villageCode')} />
              </Form.Item>
              <Form.Item
                name={[field.name, 'name']}
                label={i === 0 ? t('setup.villageName') : undefined}
                rules={[{ required: true, whitespace: true, message: t('form.required') }]}
              >
                <Input maxLength={40} aria-label={t('setup.villageName')} />
              </Form.Item>
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('common.remove')}
                onClick={() => remove(field.name)}
                className={i === 0 ? 'village-remove-first' : undefined}
              />
            </Space>
          ))}
          <Form.Item>
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ code: '', name: '' })}>
              {t('setup.addVillage')}
            </Button>
          </Form.Item>
        </>
      )}
    </Form.List>
  );
}
