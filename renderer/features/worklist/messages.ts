/**
 * Texts of the 工作台, merged under `worklist.*` beside the rules' own `worklist.kind/status/reason` texts
 * (shared/domain/followup-messages.ts); the kinds and reasons the contracting side adds are here.
 */
export const messages = {
  zh: {
    title: '工作台',
    today: '今天：{{date}}',
    refresh: '刷新',
    empty: '今天没有待办事项',
    mine: '显示 {{name}} 负责的患者；清空“医生”可看全部。',
    noneMine: '{{name}} 名下暂无待办，已显示全部患者。',
    yearly: '{{disease}} {{done}}/{{required}} 季度已面访',
    totals: { of: '其中：{{parts}}', part: '{{group}} {{count}} 条', separator: '、', contractingOverdue: '其中逾期 {{count}} 条' },
    filter: { village: '村', allVillages: '全部村', doctor: '医生', allDoctors: '全部医生（输入姓名筛选）' },
    col: {
      name: '姓名',
      sexAge: '性别年龄',
      village: '村',
      disease: '疾病',
      due: '到期日',
      status: '状态',
      reason: '事项',
      yearly: '本年随访要求',
      doctor: '责任医生',
    },
    group: {
      overdue: '已逾期',
      thisWeek: '7天内到期',
      recheck: '2周复查',
      referral: '转诊待确认',
      contracting: '签约',
      later: '稍后到期',
    },
    kind: {
      recheck: '2周复查随访',
      contractExpiring: '签约即将到期',
      noContract: '重点人群未签约',
    },
    reason: {
      contractExpiring: '签约协议将于到期日结束，请办理续约',
      noContract: '重点人群（{{tags}}）尚未签约',
    },
  },
  en: {
    title: 'Work list',
    today: 'Today: {{date}}',
    refresh: 'Refresh',
    empty: 'Nothing due today',
    mine: 'Showing the patients of {{name}}; clear "Doctor" to see everyone.',
    noneMine: 'Nothing due for {{name}}: showing all patients.',
    yearly: '{{disease}} {{done}}/{{required}} quarters seen',
    totals: { of: 'In: {{parts}}', part: '{{group}} {{count}}', separator: ', ', contractingOverdue: '{{count}} overdue' },
    filter: { village: 'Village', allVillages: 'All villages', doctor: 'Doctor', allDoctors: 'All doctors (type a name to filter)' },
    col: {
      name: 'Name',
      sexAge: 'Sex, age',
      village: 'Village',
      disease: 'Disease',
      due: 'Due',
      status: 'Status',
      reason: 'What',
      yearly: 'Yearly requirement',
      doctor: 'Doctor',
    },
    group: {
      overdue: 'Overdue',
      thisWeek: 'Due within 7 days',
      recheck: '2-week re-checks',
      referral: 'Referrals to confirm',
      contracting: 'Contracting',
      later: 'Later',
    },
    kind: {
      recheck: '2-week re-check',
      contractExpiring: 'Contract expiring',
      noContract: 'Priority resident without contract',
    },
    reason: {
      contractExpiring: 'The agreement ends on the due date: renew it',
      noContract: 'Priority resident ({{tags}}) without a contract',
    },
  },
};
