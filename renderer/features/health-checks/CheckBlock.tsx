import { Button, Form } from 'antd';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BlockSpec, FieldSpec } from './check-fields';
import { CheckField } from './CheckField';
import { valueAt } from './check-form-values';

/**
 * One block of the form. "全部正常" ticks the normal finding in every field of the block that is still empty, so it
 * never overwrites what was already recorded.
 */
export function CheckBlock(props: {
  block: BlockSpec;
  previous?: unknown;
  isFemale: boolean;
  disabled: boolean;
  onFilled: () => void;
  /** Shown right after the field with this path (BMI after 腰围). */
  after?: Readonly<Record<string, ReactNode>>;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const fields = props.block.fields.filter((f) => !f.femaleOnly || props.isFemale);
  const normals = fields.filter((f): f is FieldSpec & { normal: NonNullable<FieldSpec['normal']> } => f.normal !== undefined);

  const allNormal = () => {
    const name = (f: FieldSpec) => (f.kind === 'codeText' ? [...f.path.split('.'), 'code'] : f.path.split('.'));
    const updates = normals
      .filter((f) => {
        const v: unknown = form.getFieldValue(name(f));
        return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
      })
      .map((f) => ({ name: name(f), value: typeof f.normal === 'string' ? f.normal : [...f.normal] }));
    form.setFields(updates);
    // setFields does not fire onValuesChange: the rules must still see the new values.
    props.onFilled();
  };

  return (
    <div className="check-block">
      {normals.length > 1 && !props.disabled && (
        <Button size="small" onClick={allNormal} className="all-normal">
          {t('health-checks.form.allNormal')}
        </Button>
      )}
      <div className="check-grid">
        {fields.map((f) => (
          <Fragment key={f.path}>
            <CheckField spec={f} previous={valueAt(props.previous, f.path)} />
            {props.after?.[f.path]}
          </Fragment>
        ))}
      </div>
      {props.children}
    </div>
  );
}
