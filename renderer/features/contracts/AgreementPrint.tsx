import { useTranslation } from 'react-i18next';
import type { ContractView } from '../../../shared/api/contracting';
import './contracts.css';

/**
 * 家庭医生签约服务协议 as printed: clinic, team, resident(s), packages and their items, fees, period and both
 * signatures. On screen it is a preview; `print-only-area` (global print rule) makes it the only thing on paper.
 */
export function AgreementPrint({ view }: { view: ContractView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const c = view.contract;
  const r = view.resident;
  const doctor = view.team?.members.find((m) => m.staffId === c.doctorId);
  return (
    <article className="agreement print-only-area" data-testid="agreement">
      <h2 className="agreement-title">{t('contracts.print.title')}</h2>
      <p className="agreement-no">
        {t('contracts.print.no')}：{c.contractNo}
      </p>
      <table className="agreement-table">
        <tbody>
          <tr>
            <th>{t('contracts.print.partyA')}</th>
            <td colSpan={3}>
              {view.clinicName} · {view.team?.teamName ?? ''} · {t('contracts.print.doctor')} {view.doctorName || doctor?.name || ''}
            </td>
          </tr>
          <tr>
            <th>{t('contracts.print.partyB')}</th>
            <td>{r.name}</td>
            <th>{t('contracts.print.idNumber')}</th>
            <td>{r.idNumber}</td>
          </tr>
          <tr>
            <th>{t('contracts.print.birthDate')}</th>
            <td>{r.birthDate}</td>
            <th>{t('contracts.print.phone')}</th>
            <td>{r.phone}</td>
          </tr>
          <tr>
            <th>{t('contracts.print.address')}</th>
            <td colSpan={3}>
              {r.villageName} {r.address}
            </td>
          </tr>
          {view.group.length > 0 ? (
            <tr>
              <th>{t('contracts.print.household')}</th>
              <td colSpan={3}>{[r.name, ...view.group.map((g) => g.name)].join('、')}</td>
            </tr>
          ) : null}
          <tr>
            <th>{t('contracts.print.period')}</th>
            <td colSpan={3}>
              {c.startDate} — {c.endDate}（{t(`contracts.type.${c.contractType}`)}）
            </td>
          </tr>
        </tbody>
      </table>
      <h3>{t('contracts.print.services')}</h3>
      <table className="agreement-table">
        <thead>
          <tr>
            <th>{t('contracts.print.package')}</th>
            <th>{t('contracts.print.item')}</th>
            <th>{t('contracts.print.times')}</th>
          </tr>
        </thead>
        <tbody>
          {view.fulfilment.items.map((i) => (
            <tr key={`${i.packageId}-${i.serviceCode}`}>
              <td>{view.packages.find((p) => p.packageId === i.packageId)?.name[lang] ?? i.packageId}</td>
              <td>{i.name[lang]}</td>
              <td>{i.required}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t('contracts.print.fees', {
          total: c.feeTotal,
          selfPay: c.feeSelfPay,
          insurance: c.feeInsurance,
          publicHealth: c.feePublicHealth,
        })}
      </p>
      <p className="agreement-terms">{t('contracts.print.terms')}</p>
      <div className="agreement-signatures">
        <div>
          <div>{t('contracts.print.residentSign')}</div>
          {c.residentSignature ? <img src={c.residentSignature} alt={t('contracts.sign.residentSignature')} className="signature-image" /> : null}
          {c.signerName ? <div>{t('contracts.print.signer', { name: c.signerName })}</div> : null}
        </div>
        <div>
          <div>{t('contracts.print.doctorSign')}</div>
          {c.doctorSignature ? <img src={c.doctorSignature} alt={t('contracts.sign.doctorSignature')} className="signature-image" /> : null}
        </div>
        <div>
          {t('contracts.print.signDate')}：{c.signDate ?? ''}
        </div>
      </div>
    </article>
  );
}
