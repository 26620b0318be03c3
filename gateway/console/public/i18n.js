// Labels: Chinese (zh-CN) by default, English on request. The choice is kept for the browser session.
const TEXT = {
  "zh-CN": {
    appTitle: "养老金账本控制台", skipToContent: "跳到正文", navSearch: "账户查询", navSystem: "系统概况", signOut: "退出",
    langHint: "切换界面语言", langButton: "English", footer: "金额单位：元（由整数“分”换算）· 时间：北京时间（Asia/Shanghai）",
    signInTitle: "登录", signInIntro: "请输入本机构的 API 凭证。凭证只保存在本浏览器标签页中，关闭即失效。", credential: "机构凭证",
    signIn: "登录", signedInAs: "当前机构：{name}", searchTitle: "账户查询", searchBy: "查询方式", byPseudonym: "会员假名（链上标识）",
    byAccountId: "账户编号", byResidentId: "居民身份证号码", searchValue: "查询内容", search: "查询",
    residentIdNotAllowed: "本角色不能按身份证号码查询（不得解析个人信息）。", noAccounts: "未找到账户。", open: "查看",
    accountTitle: "账户", status: "状态", kind: "类型", pensionReference: "养老金账户参考号", holder: "持有人", member: "会员假名",
    balancesTitle: "各分账户余额", subLedger: "分账户", amount: "金额", chartTitle: "余额走势（按分账户）",
    chartDesc: "按区块时间绘制的各分账户累计金额与余额。", timelineTitle: "全部分录", noHistoryRole: "本角色无权查看账户历史分录。",
    time: "时间（北京时间）", sequence: "操作序号", type: "类型", event: "事件", txBlockLog: "交易 / 区块 / 日志", runningHash: "累计哈希",
    proof: "凭证", viewProof: "查看链上凭证", loadMore: "加载更多", exportCsv: "导出 CSV", exportJson: "导出 JSON", exported: "已导出",
    entriesCount: "条分录", proofTitle: "链上凭证", chainId: "链 ID", ledgerAddress: "账本合约地址", txHash: "交易哈希",
    blockNumber: "区块号", blockHash: "区块哈希", blockTime: "区块时间", receiptsRoot: "收据根", logIndex: "日志序号",
    operation: "账本操作", matchesIndex: "与网关索引一致", yes: "是", no: "否", rawReceipt: "节点返回的原始收据",
    back: "返回", systemTitle: "系统概况", accountsTotal: "账户总数", contributionsMonth: "本月缴费", payoutsMonth: "本月发放",
    claimsByState: "理赔/领取申请（按状态）", noClaimsTable: "本网关未保存申请数据。", outboxDepth: "待上链操作（发件箱）",
    indexLag: "索引落后区块数", indexedBlock: "已索引至区块", operations: "账本操作数（索引 / 链上）", lastVerification: "最近一次核验",
    never: "尚未核验", verifyNow: "立即核验", verifying: "核验中…", verifyOk: "一致", verifyBad: "不一致",
    verifyOkText: "网关索引与链上一致，共 {n} 笔操作（截至区块 {b}）。",
    verifyBadText: "第 {seq} 笔操作不一致：{how}（表 {table}{field}）。索引值：{index}；链上值：{chain}。共发现 {count} 处差异。",
    how_missing: "索引缺失", how_altered: "被篡改", how_extra: "索引多出", field: "，字段 ", count: "{n} 笔", gross: "总额", tax: "税款", net: "净额",
    exportMonth: "导出本月分录", error: "错误", forbidden: "本角色无权执行此操作", signedOut: "已退出。", loading: "加载中…",
    invalidCredential: "凭证无效，请检查后重新输入。", paymentStatus: "支付状态", errorCode: "错误代码：", networkError: "无法连接网关，请检查网络后重试。",
    unknownError: "操作未能完成。", item: "项目", contributedThisYear: "{year} 年已缴费", remainingThisYear: "本年剩余额度 / 年度上限",
    personalTotal: "个人缴费累计", deductibleThisYear: "{year} 年可税前扣除", annualCap: "年度缴费上限", payoutsGross: "已领取（税前）",
    taxWithheld: "已代扣税款", taxFiguresTitle: "涉税信息",
  },
  en: {
    appTitle: "Pension ledger console", skipToContent: "Skip to content", navSearch: "Accounts", navSystem: "System", signOut: "Sign out",
    langHint: "Switch the interface language", langButton: "中文", footer: "Amounts in yuan (from integer fen) · Times in Asia/Shanghai",
    signInTitle: "Sign in", signInIntro: "Enter your institution's API credential. It is kept in this browser tab only and forgotten when the tab closes.",
    credential: "Institution credential", signIn: "Sign in", signedInAs: "Signed in as: {name}", searchTitle: "Find an account", searchBy: "Search by",
    byPseudonym: "Member pseudonym (on-chain id)", byAccountId: "Account id", byResidentId: "Resident ID number", searchValue: "Search for", search: "Search",
    residentIdNotAllowed: "This role may not search by resident ID number (no access to personal data).", noAccounts: "No account found.", open: "Open",
    accountTitle: "Account", status: "Status", kind: "Kind", pensionReference: "Pension reference", holder: "Holder", member: "Member pseudonym",
    balancesTitle: "Balances by sub-ledger", subLedger: "Sub-ledger", amount: "Amount", chartTitle: "Balance over time by sub-ledger",
    chartDesc: "Cumulative amounts of each sub-ledger and the balance, by block time.", timelineTitle: "Every entry", noHistoryRole: "This role may not read the account's history.",
    time: "Time (Asia/Shanghai)", sequence: "Operation", type: "Type", event: "Event", txBlockLog: "Tx / block / log", runningHash: "Running hash",
    proof: "Proof", viewProof: "View the chain proof", loadMore: "Load more", exportCsv: "Export CSV", exportJson: "Export JSON", exported: "Exported",
    entriesCount: "entries", proofTitle: "Chain proof", chainId: "Chain id", ledgerAddress: "Ledger address", txHash: "Transaction hash",
    blockNumber: "Block", blockHash: "Block hash", blockTime: "Block time", receiptsRoot: "Receipts root", logIndex: "Log index",
    operation: "Ledger operation", matchesIndex: "Matches the gateway's index", yes: "yes", no: "no", rawReceipt: "Raw receipt from the node",
    back: "Back", systemTitle: "System", accountsTotal: "Accounts", contributionsMonth: "Contributions this month", payoutsMonth: "Payouts this month",
    claimsByState: "Claims by state", noClaimsTable: "This gateway keeps no claims.", outboxDepth: "Outbox depth (not yet on chain)",
    indexLag: "Index lag (blocks)", indexedBlock: "Indexed up to block", operations: "Ledger operations (index / chain)", lastVerification: "Last verification",
    never: "Not verified yet", verifyNow: "Verify now", verifying: "Verifying…", verifyOk: "OK", verifyBad: "Diverged",
    verifyOkText: "The gateway's index matches the chain: {n} operations (up to block {b}).",
    verifyBadText: "Operation {seq} differs: {how} (table {table}{field}). Index: {index}; chain: {chain}. Differences found: {count}.",
    how_missing: "missing from the index", how_altered: "altered", how_extra: "extra in the index", field: ", field ", count: "{n}", gross: "gross", tax: "tax", net: "net",
    exportMonth: "Export this month's entries", error: "Error", forbidden: "This role may not do this", signedOut: "Signed out.", loading: "Loading…",
    invalidCredential: "The credential is not valid. Check it and try again.", paymentStatus: "Payment status", errorCode: "Error code: ",
    networkError: "The gateway cannot be reached. Check the network and try again.", unknownError: "The operation could not be completed.",
    item: "Item", contributedThisYear: "Contributed in {year}", remainingThisYear: "Room left this year / annual cap", personalTotal: "Personal contributions (all years)",
    deductibleThisYear: "Deductible in {year}", annualCap: "Annual cap", payoutsGross: "Paid out (gross)", taxWithheld: "Tax withheld", taxFiguresTitle: "Tax figures",
  },
};

const LABELS = {
  "zh-CN": {
    type: { account: "账户", contribution: "缴费", return: "投资收益", vesting: "归属/没收", eligibility: "领取资格", payoutPlan: "领取计划", payout: "发放", payment: "支付结果", tax: "代扣税", plan: "年金计划", batch: "批次", settlement: "结算", parameter: "参数" },
    status: { Active: "正常", Frozen: "冻结", PayingOut: "领取中", Closed: "已销户", Settled: "已结算", Paid: "已支付", Failed: "支付失败" },
    kind: { PersonalPension: "个人养老金", EnterpriseAnnuity: "企业年金" },
    subLedger: { balance: "余额", personalContributions: "个人缴费", employerContributions: "单位缴费", employerVested: "单位缴费（已归属）", employerUnvested: "单位缴费（未归属）", investmentReturns: "投资收益", payouts: "已领取（净额）", taxWithheld: "代扣税款", forfeitures: "没收" },
    event: {
      PersonalAccountOpened: "开立个人养老金账户", MemberEnrolled: "加入年金计划", AccountStatusChanged: "账户状态变更", PersonalContributionCredited: "个人缴费入账",
      AnnuityContributionCredited: "年金缴费入账", ReturnCredited: "投资收益入账", MemberLeft: "离职（归属/没收）", EligibilityRecorded: "领取资格认证",
      EligibilityRevoked: "撤销资格认证", PayoutPlanStarted: "开始领取", HeirsRegistered: "登记继承人", PayoutSettled: "发放结算", PayoutPaid: "支付成功", PayoutFailed: "支付失败",
    },
    enum: {
      Retirement: "达到法定退休年龄", LossOfWorkCapacity: "完全丧失劳动能力", Emigration: "出国（境）定居", Death: "身故", SeriousIllness: "重大疾病",
      LongUnemployment: "领取失业保险金满12个月", MinimumLivingAllowance: "领取最低生活保障金", Monthly: "按月领取", FixedInstalment: "按固定金额分期", LumpSum: "一次性领取",
    },
    series: { personal: "个人缴费", employer: "单位缴费", returns: "投资收益", paidOut: "已领取（含税）", balance: "余额" },
    claimState: { pending: "待处理", submitted: "已提交", review: "人工审核中", approved: "已批准", rejected: "已拒绝" },
  },
  en: {
    type: { account: "account", contribution: "contribution", return: "return", vesting: "vesting", eligibility: "eligibility", payoutPlan: "payout plan", payout: "payout", payment: "payment", tax: "tax", plan: "plan", batch: "batch", settlement: "settlement", parameter: "parameter" },
    status: { Active: "Active", Frozen: "Frozen", PayingOut: "Paying out", Closed: "Closed", Settled: "Settled", Paid: "Paid", Failed: "Failed" },
    kind: { PersonalPension: "Personal pension", EnterpriseAnnuity: "Enterprise annuity" },
    subLedger: { balance: "Balance", personalContributions: "Personal contributions", employerContributions: "Employer contributions", employerVested: "Employer (vested)", employerUnvested: "Employer (unvested)", investmentReturns: "Investment returns", payouts: "Paid out (net)", taxWithheld: "Tax withheld", forfeitures: "Forfeited" },
    event: {
      PersonalAccountOpened: "Personal pension account opened", MemberEnrolled: "Enrolled in annuity plan", AccountStatusChanged: "Account status changed",
      PersonalContributionCredited: "Personal contribution credited", AnnuityContributionCredited: "Annuity contribution credited", ReturnCredited: "Investment return credited",
      MemberLeft: "Left employer (vested / forfeited)", EligibilityRecorded: "Eligibility certified", EligibilityRevoked: "Eligibility revoked", PayoutPlanStarted: "Payout started",
      HeirsRegistered: "Heirs registered", PayoutSettled: "Payout settled", PayoutPaid: "Payment made", PayoutFailed: "Payment failed",
    },
    enum: { LossOfWorkCapacity: "Loss of work capacity", SeriousIllness: "Serious illness", LongUnemployment: "Long unemployment", MinimumLivingAllowance: "Minimum living allowance", FixedInstalment: "Fixed instalment", LumpSum: "Lump sum" },
    series: { personal: "Personal contributions", employer: "Employer contributions", returns: "Investment returns", paidOut: "Paid out (gross)", balance: "Balance" },
    claimState: { pending: "Pending", submitted: "Submitted", review: "In manual review", approved: "Approved", rejected: "Rejected" },
  },
};

let lang = sessionStorage.getItem("console.lang") === "en" ? "en" : "zh-CN";

export function currentLang() {
  return lang;
}

export function setLang(next) {
  lang = next === "en" ? "en" : "zh-CN";
  sessionStorage.setItem("console.lang", lang);
  document.documentElement.lang = lang;
  applyStaticText();
}

export function t(key, values = {}) {
  const text = TEXT[lang][key] ?? TEXT["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** A label of a group (type, status, kind, subLedger, event, series), falling back to the raw value. */
export function label(group, value) {
  return LABELS[lang][group]?.[value] ?? value;
}

export function applyStaticText() {
  document.title = t("appTitle");
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.getElementById("lang").textContent = t("langButton");
  document.getElementById("nav").setAttribute("aria-label", lang === "en" ? "Main" : "主导航");
}
