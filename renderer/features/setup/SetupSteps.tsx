import { Steps } from 'antd';
import { useTranslation } from 'react-i18next';

export function SetupSteps({ current }: { current: number }) {
  const { t } = useTranslation();
  return (
    <Steps
      current={current}
      size="small"
      className="setup-steps"
      items={[
        { title: t('setup.steps.clinic') },
        { title: t('setup.steps.villages') },
        { title: t('setup.steps.admin') },
        { title: t('setup.steps.recovery') },
      ]}
    />
  );
}
