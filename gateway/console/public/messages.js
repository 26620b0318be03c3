// Words for people, shared by the console and the API docs page (/docs imports this module): what an error code
// means, in zh-CN and English, and the institutions' names. The English sentences are ERROR_CATALOG's
// (gateway/errors.ts); the docs browser test checks that every catalog code has an entry here.

/** Error code → a sentence a bank user can act on. Unknown codes fall back to the server's message. */
export const ERROR_TEXT = {
  VALIDATION_FAILED: { "zh-CN": "请求内容有误，请检查标出的字段。", en: "The request is invalid." },
  NOT_FOUND: { "zh-CN": "未找到所请求的内容。", en: "Not found." },
  UNAUTHENTICATED: { "zh-CN": "凭证缺失或无效，请重新登录。", en: "Missing or invalid credential." },
  FORBIDDEN_FOR_ROLE: { "zh-CN": "本机构无权执行此操作。", en: "This credential's role may not perform this operation." },
  IDEMPOTENCY_KEY_REUSED: { "zh-CN": "该幂等键已用于另一笔不同的请求。", en: "The Idempotency-Key was already used for a different request (another body, or another operation)." },
  PAYLOAD_TOO_LARGE: { "zh-CN": "请求内容超过大小限制。", en: "The request body is larger than the limit." },
  UNSUPPORTED_MEDIA_TYPE: { "zh-CN": "不支持的内容类型。", en: "Unsupported content type." },
  RATE_LIMITED: { "zh-CN": "本凭证请求过于频繁，请稍后再试。", en: "Too many requests for this credential." },
  INTERNAL: { "zh-CN": "系统内部错误，请联系运维人员。", en: "Internal error." },
  CHAIN_UNAVAILABLE: { "zh-CN": "暂时无法连接账本节点，请稍后再试。", en: "The ledger node is not reachable." },
  RESIDENT_ID_INVALID: { "zh-CN": "居民身份证号码无效。", en: "The resident ID number is invalid." },
  MEMBER_NOT_FOUND: { "zh-CN": "未找到该身份对应的参加人。", en: "No member with this identity." },
  XML_DTD_FORBIDDEN: { "zh-CN": "XML 报文含有 DOCTYPE 或 ENTITY 声明，不予接收。", en: "The XML document contains a DOCTYPE or ENTITY declaration, which is not accepted." },
  XML_MALFORMED: { "zh-CN": "XML 报文格式不正确。", en: "The XML document is not well-formed." },
  XML_TOO_LARGE: { "zh-CN": "XML 报文超过大小限制。", en: "The XML document is larger than the limit." },
  MESSAGE_TYPE_UNSUPPORTED: { "zh-CN": "不支持的 ISO 20022 报文类型或版本。", en: "The document is not a supported ISO 20022 message type or version." },
  BANK_MESSAGE_INVALID: { "zh-CN": "银行报文缺少必填要素或取值无效。", en: "The bank message lacks a required element or has an invalid value." },
  PAYROLL_FILE_INVALID: { "zh-CN": "企业年金缴费文件的表头或明细行有误。", en: "The payroll contribution file has an invalid header or invalid lines." },
  PAYMENT_INSTRUCTION_INVALID: { "zh-CN": "付款指令的输入有误。", en: "The payment instruction input is invalid." },
  PAYROLL_BATCH_ALREADY_RELEASED: { "zh-CN": "该批次号的缴费文件已随单位来账入账，不能替换。", en: "A payroll file under this batch reference was already released by the employer's transfer; it cannot be replaced." },
  PAYMENT_INSTRUCTIONS_VERSION_FIXED: { "zh-CN": "该结算批次的付款指令已按另一版本生成，文件不再更改。", en: "The run's payment instructions were already produced in another pain.001 version; that file is final." },
  SUSPENSE_NOT_FOUND: { "zh-CN": "未找到该挂账款项。", en: "No suspense entry with this id." },
  SUSPENSE_NOT_OPEN: { "zh-CN": "该挂账款项已认领或已标记退回。", en: "The suspense entry was already assigned or marked for return." },
  SUSPENSE_NOT_ASSIGNABLE: { "zh-CN": "该挂账款项不能记入单个参加人（非人民币、无金额或为单位缴费来账），请标记退回。", en: "The suspense entry cannot be credited to one member (not CNY, no amount, or an employer's payroll transfer); mark it for return." },
  SETTLEMENT_RUN_NOT_FOUND: { "zh-CN": "事件索引中没有该结算批次。", en: "No settlement run with this id in the event index." },
  SETTLEMENT_RUN_NOT_INDEXED: { "zh-CN": "该结算批次的发放尚未全部索引，请稍后重试。", en: "The settlement run's payouts are not all indexed yet; retry shortly." },
  OPERATION_NOT_FOUND: { "zh-CN": "未找到该操作。", en: "No operation with this id." },
  ACCOUNT_UNKNOWN: { "zh-CN": "账本上没有该账户。", en: "No account with this id on the ledger." },
  STANDING_INSTRUCTION_NOT_FOUND: { "zh-CN": "未找到该自动缴费约定。", en: "No standing contribution instruction with this id." },
  STANDING_INSTRUCTION_CANCELLED: { "zh-CN": "该自动缴费约定已取消。", en: "The standing contribution instruction is already cancelled." },
  TRANSACTION_REVERTED: { "zh-CN": "账本拒绝了该笔交易。", en: "The ledger rejected the transaction." },
  CHAIN_ROLE_MISSING: { "zh-CN": "网关签名密钥缺少执行此操作的账本权限，请联系运维人员。", en: "The gateway's signing key lacks the ledger role for this operation." },
  LEDGER_PAUSED: { "zh-CN": "账本已被运营方暂停。", en: "The ledger is paused by the operator." },
  ACCOUNT_ALREADY_OPEN: { "zh-CN": "该参加人已开立个人养老金账户。", en: "A personal-pension account already exists for this member." },
  ALREADY_ENROLLED: { "zh-CN": "该参加人已加入此计划。", en: "The member is already enrolled in this plan." },
  ACCOUNT_NOT_FOUND: { "zh-CN": "该参加人在此计划下没有账本账户。", en: "No ledger account for this member and plan." },
  ACCOUNT_STATUS_INVALID: { "zh-CN": "账户当前状态不允许此操作。", en: "The account's status does not allow this operation." },
  PLAN_ALREADY_EXISTS: { "zh-CN": "该计划代码已存在。", en: "A plan with this code already exists." },
  PLAN_NOT_FOUND: { "zh-CN": "没有该代码的计划。", en: "No plan with this code." },
  VESTING_SCHEDULE_INVALID: { "zh-CN": "归属进度表无效（1 至 8 个逐年不减的档次，最后一档须为 10,000 基点）。", en: "The vesting schedule is invalid (1..8 non-decreasing yearly steps ending at 10,000 bps)." },
  ZERO_VALUE: { "zh-CN": "必填数值为零。", en: "A required value is zero." },
  BANK_REFERENCE_ALREADY_USED: { "zh-CN": "该银行流水号已入账，同一笔资金不会重复入账。", en: "This bank reference was already credited; the money is never credited twice." },
  BOOKING_DATE_IN_FUTURE: { "zh-CN": "记账时间晚于当前时间。", en: "The booking time is in the future." },
  BOOKING_YEAR_CLOSED: { "zh-CN": "该记账年度已关闭，不再接受缴费。", en: "The booking year is closed for contributions." },
  CONTRIBUTION_EXCEEDS_ANNUAL_CAP: { "zh-CN": "该笔缴费将超过个人养老金年度缴费上限，已整笔拒绝。", en: "The contribution would exceed the annual cap of the personal pension; it was rejected whole." },
  EMPLOYER_CONTRIBUTION_EXCEEDS_LIMIT: { "zh-CN": "单位缴费超过缴费基数的单位上限。", en: "The employer contribution exceeds the employer limit of the wage base." },
  TOTAL_CONTRIBUTION_EXCEEDS_LIMIT: { "zh-CN": "单位与个人缴费合计超过缴费基数的总上限。", en: "Employer plus employee contributions exceed the total limit of the wage base." },
  EMPLOYER_CONTRIBUTION_ABOVE_FIVE_TIMES_AVERAGE: { "zh-CN": "单个职工的单位缴费超过本批平均额的五倍。", en: "The employer part for one employee exceeds five times the batch average." },
  BATCH_ITEM_INVALID: { "zh-CN": "批次中有一项无效，整批已拒绝。", en: "A batch item is invalid; the whole batch was rejected." },
  BATCH_SIZE_INVALID: { "zh-CN": "批次为空或超过账本可接受的数量。", en: "The batch is empty or larger than the ledger accepts." },
  BALANCE_WOULD_GO_NEGATIVE: { "zh-CN": "该操作会使余额为负。", en: "The operation would make a balance negative." },
  ELIGIBILITY_ALREADY_RECORDED: { "zh-CN": "该参加人的此项领取条件已认证。", en: "This qualifying event is already recorded for the member." },
  ELIGIBILITY_NOT_FOUND: { "zh-CN": "该参加人没有此项有效的领取条件认证。", en: "No active attestation of this qualifying event for the member." },
  ELIGIBILITY_IN_USE: { "zh-CN": "已依据该认证开始领取，不能撤销。", en: "The attestation cannot be revoked: a payout has started on it." },
  ELIGIBILITY_INVALID: { "zh-CN": "领取条件或其生效日期无效。", en: "The qualifying event or its effective date is invalid." },
  PAYOUT_NOT_ELIGIBLE: { "zh-CN": "该参加人没有允许此项领取的认证。", en: "The member has no attestation that allows this payout." },
  PAYOUT_MODE_INVALID: { "zh-CN": "领取方式或其参数不被允许。", en: "The payout mode or its parameter is not allowed." },
  PAYOUT_ALREADY_STARTED: { "zh-CN": "该账户已有领取计划。", en: "The account already has a payout plan." },
  HEIR_SHARES_INVALID: { "zh-CN": "继承份额须均不为零且合计为 10,000 基点。", en: "Heir shares must be non-zero and sum to 10,000 bps." },
  INHERITANCE_NOT_ALLOWED: { "zh-CN": "继承人只能在身故认证后登记一次。", en: "Heirs can be registered only once, after an attested death." },
  SETTLEMENT_RUN_ALREADY_USED: { "zh-CN": "该结算批次号已使用过。", en: "This settlement run reference was used before." },
  PAYOUT_PROOF_INVALID: { "zh-CN": "该笔发放不在所给的结算批次中。", en: "The payout is not in the given settlement run." },
  PAYOUT_ALREADY_REPORTED: { "zh-CN": "该笔发放的支付结果已回报。", en: "A result was already reported for this payout." },
  PARAMETER_INVALID: { "zh-CN": "政策参数超出允许范围。", en: "A policy parameter is outside its allowed range." },
  MEMBER_DECEASED: { "zh-CN": "该参加人已认证身故，账户不再接受缴费。", en: "The member's death is attested; the account accepts no contributions." },
  MEMBER_LEFT_PLAN: { "zh-CN": "该参加人已退出此计划。", en: "The member has left this plan." },
  RETURNS_BATCH_ALREADY_USED: { "zh-CN": "该收益批次号已使用过。", en: "This returns batch reference was used before." },
  AMOUNT_OVERFLOW: { "zh-CN": "金额超出账本可记录的范围。", en: "The amount is larger than the ledger can hold." },
  CLAIM_NOT_FOUND: { "zh-CN": "未找到该领取申请。", en: "No benefit claim with this id." },
  CLAIM_NOT_IN_REVIEW: { "zh-CN": "该申请不在人工审核中。", en: "The claim is not waiting for manual review." },
  CLAIM_RULE_FAILED: { "zh-CN": "该申请不符合一项领取规则（详见 details.rule）。", en: "The claim fails a benefit rule (details.rule names it)." },
  CLAIM_NEEDS_REVIEW: { "zh-CN": "该申请已转人工审核（details.rule 为规则，details.claimId 为申请），未向账本发送任何内容。", en: "The claim went to manual review (details.rule names the rule, details.claimId the claim); nothing was sent to the ledger." },
  CLAIM_ALREADY_OPEN: { "zh-CN": "该账户另有一项申请尚未办结（待处理或人工审核中），见 details.claimId。", en: "Another claim on this account is still open (pending or in review); details.claimId names it." },
  TAX_YEAR_INVALID: { "zh-CN": "纳税年度须为 2022 年至今年之间的公历年度。", en: "The tax year must be a calendar year from 2022 to the current year." },
  AUDIT_INDEX_NOT_READY: { "zh-CN": "事件索引尚未就绪，暂不能核验（尚无索引数据，或正在因链回滚重新索引）。", en: "The event index is not ready for verification (nothing indexed yet, or re-indexing after a chain rewind)." },
  AUDIT_ENTRY_NOT_FOUND: { "zh-CN": "链上没有该交易哈希和日志序号对应的分录。", en: "No ledger entry with this transaction hash and log index on the chain." },
};

/** The institutions (credentials) by their API name. */
export const INSTITUTION_NAMES = {
  bank: { "zh-CN": "银行", en: "Bank" },
  socialSecurity: { "zh-CN": "社保经办机构", en: "Social-security bureau" },
  taxBureau: { "zh-CN": "税务机关", en: "Tax bureau" },
  investmentManager: { "zh-CN": "投资管理人", en: "Investment manager" },
  auditor: { "zh-CN": "审计/监管", en: "Auditor / regulator" },
  operator: { "zh-CN": "运营", en: "Operator" },
  keeper: { "zh-CN": "调度", en: "Keeper (scheduler)" },
};

/** "auditor" → "审计/监管" (or the English name); an unknown name is shown as it is. */
export function institutionName(institution, lang) {
  return INSTITUTION_NAMES[institution]?.[lang === "en" ? "en" : "zh-CN"] ?? institution;
}

/** The friendly sentence for an error code, or undefined when the code is unknown. */
export function errorText(code, lang) {
  return ERROR_TEXT[code]?.[lang === "en" ? "en" : "zh-CN"];
}
