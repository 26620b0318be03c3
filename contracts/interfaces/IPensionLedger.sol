// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILedgerTypes} from "./ILedgerTypes.sol";

/// @title The pension ledger
/// @notice Holds every member's pension balance and applies the contribution and payout rules.
/// Roles (OpenZeppelin AccessControl, bytes32 = keccak256 of the name):
/// BANK_ROLE (accounts, contributions, heirs, payout plans, payment results),
/// SOCIAL_SECURITY_ROLE (eligibility), TAX_BUREAU_ROLE (reads only; holds the role so it can be identified),
/// INVESTMENT_MANAGER_ROLE (returns), KEEPER_ROLE (settlement), OPERATOR_ROLE (plans, parameters, freeze,
/// pause, role grants, upgrades — never a member's money). DEFAULT_ADMIN_ROLE is held by the operator only.
/// Separation: an address holds at most one institution's role ({InstitutionRoleConflict}); after deployment the
/// operator grants a role only to an address a holder of that role nominated ({nominateRoleMember}); upgrades are
/// scheduled and executable only after a delay ({scheduleUpgrade}).
///
/// Audit: every successful state-changing call is one ledger operation. Operation n (starting at 1) sets
/// runningHash_n = keccak256(abi.encode(runningHash_{n-1}, uint256(n), msg.sig, keccak256(msg.data))) with
/// runningHash_0 = bytes32(0), and emits {OperationRecorded}. Operation 1 is `initialize` (its msg.data is the
/// initialize call the ERC1967Proxy constructor receives); role grants, revocations and renouncements and
/// upgrades (`upgradeToAndCall`) are operations too. Anyone holding the transactions' input data can recompute
/// the chain and compare it with {auditState}.
///
/// Account ids: accountId = keccak256(abi.encode(member, plan)), with plan = bytes32(0) for personal pension.
interface IPensionLedger is ILedgerTypes {
    // ───────────────────────────── errors ─────────────────────────────

    /// @notice A personal-pension account already exists for this member.
    error AccountAlreadyOpen(bytes32 member);
    /// @notice The member is already enrolled in this plan.
    error AlreadyEnrolled(bytes32 plan, bytes32 member);
    /// @notice No account with this id.
    error AccountNotFound(bytes32 accountId);
    /// @notice The account's status does not allow the operation.
    error AccountStatusInvalid(bytes32 accountId, AccountStatus status);
    /// @notice A plan with this id already exists.
    error PlanAlreadyExists(bytes32 plan);
    /// @notice No plan with this id.
    error PlanNotFound(bytes32 plan);
    /// @notice A vesting schedule must have 1..8 yearly steps, non-decreasing, each ≤ 10,000 bps, the last 10,000.
    error VestingScheduleInvalid(uint256 index);
    /// @notice A zero member, reference, hash or amount where one is required.
    error ZeroValue(string field);
    /// @notice The bank reference was used before: the same money is never credited twice.
    error BankReferenceAlreadyUsed(bytes32 bankRef);
    /// @notice A booking time later than the current block time.
    error BookingDateInFuture(uint64 bookedAt, uint64 now_);
    /// @notice A booking in a closed CST calendar year: any year before the current one, except the previous year
    /// until 15 days after it ended (16 January 00:00 CST), for bookings of late December that arrive in January.
    error BookingYearClosed(bytes32 member, uint16 year);
    /// @notice The contribution would take the member's personal-pension contributions for the year over the
    /// cap. Never trimmed: the whole contribution is rejected.
    error ContributionExceedsAnnualCap(bytes32 member, uint256 requested, uint256 remaining);
    /// @notice The employer part exceeds the employer limit (default 8 %) of the wage base.
    error EmployerContributionExceedsLimit(bytes32 member, uint256 employerAmount, uint256 limit);
    /// @notice Employer + employee exceed the total limit (default 12 %) of the wage base.
    error TotalContributionExceedsLimit(bytes32 member, uint256 totalAmount, uint256 limit);
    /// @notice The employer part for one employee exceeds 5 × the payroll period's average employer part
    /// (declared employer total / declared employees).
    error EmployerContributionAboveFiveTimesAverage(bytes32 member, uint256 employerAmount, uint256 average);
    /// @notice The member's annuity account was already credited for this payroll period or a later one
    /// (`lastPeriod`): one line per employee per period, periods in order.
    error AnnuityPeriodAlreadyCredited(bytes32 member, uint32 period, uint32 lastPeriod);
    /// @notice A batch declares other payroll-period totals than the period's first batch did.
    error PayrollTotalsMismatch(
        bytes32 plan, uint32 period, uint256 employees, uint256 employerTotal, uint256 declaredEmployees,
        uint256 declaredEmployerTotal
    );
    /// @notice The period's batches would credit more employees or more employer money than its declared totals.
    error PayrollPeriodExceeded(bytes32 plan, uint32 period, uint256 creditedEmployees, uint256 creditedEmployer);
    /// @notice A batch item is invalid; `reason` is the ABI-encoded custom error for that item.
    error BatchItemInvalid(uint256 index, bytes reason);
    /// @notice A batch with no items, or more than the contract accepts in one call.
    error BatchSizeInvalid(uint256 size);
    /// @notice The operation would make a balance negative.
    error BalanceWouldGoNegative(bytes32 accountId, uint256 balance, int256 delta);
    /// @notice The event may not be attested for this member (e.g. already active).
    error EligibilityAlreadyRecorded(bytes32 member, QualifyingEvent qualifyingEvent);
    /// @notice No active attestation of this event for the member.
    error EligibilityNotFound(bytes32 member, QualifyingEvent qualifyingEvent);
    /// @notice An attestation cannot be revoked once a payout has started on it.
    error EligibilityInUse(bytes32 member, QualifyingEvent qualifyingEvent);
    /// @notice An effective date later than the current block time, or a None event.
    error EligibilityInvalid(bytes32 member, QualifyingEvent qualifyingEvent, uint64 effectiveDate);
    /// @notice The member has no active attestation that allows this payout for this plan kind.
    error PayoutNotEligible(bytes32 accountId, QualifyingEvent qualifyingEvent);
    /// @notice The payout mode or its parameter is not allowed (e.g. an emigrating annuity member must take a
    /// lump sum; monthly needs 1..600 months; fixed instalment needs an amount > 0).
    error PayoutModeInvalid(bytes32 accountId, PayoutMode mode, uint256 parameter);
    /// @notice The account already has a payout plan.
    error PayoutAlreadyStarted(bytes32 accountId);
    /// @notice Heir shares must be non-empty, non-zero and sum to 10,000 bps.
    error HeirSharesInvalid(uint256 totalBps);
    /// @notice Heirs can be registered only after an attested death, once.
    error InheritanceNotAllowed(bytes32 accountId);
    /// @notice This settlement run reference was used before.
    error SettlementRunAlreadyUsed(bytes32 runRef);
    /// @notice The payout is not in the given run (bad Merkle proof or unknown run).
    error PayoutProofInvalid(uint64 runId, uint64 payoutId);
    /// @notice The bank already reported a result for this payout: a payout settles once.
    error PayoutAlreadyReported(uint64 payoutId, PayoutStatus status);
    /// @notice A policy parameter outside its allowed range, or for a year before one already set; also a call
    /// argument outside its range that has no error of its own (`period`, `serviceStart`, `leftAt`).
    error ParameterInvalid(string name, uint256 value);
    /// @notice A parameter change from a CST year that has already started (`fromYear` < `currentYear`), or a
    /// replacement of the entry of the current year: a year's rules never change once it has begun.
    error ParameterYearClosed(uint16 fromYear, uint16 currentYear);
    /// @notice A parameter above its maximum (the withdrawal tax rate: 4,500 bps, the top income-tax bracket).
    error ParameterAboveMaximum(string name, uint256 value, uint256 maximum);
    /// @notice Death of the member has been attested: the member's accounts accept no contributions and no new
    /// payout plan; the balance goes to the heirs.
    error MemberDeceased(bytes32 member);
    /// @notice The member already left this plan's employer: no more contributions, no second leaving.
    error MemberLeftPlan(bytes32 plan, bytes32 member);
    /// @notice The investment manager's batch reference was used before: returns are credited once.
    error ReturnsBatchAlreadyUsed(bytes32 batchRef);
    /// @notice An amount that does not fit its storage field (never expected in practice; nothing is truncated).
    error AmountOverflow(uint256 amount);
    /// @notice An address holds at most one institution's role (operator/admin, bank, social security, tax bureau,
    /// investment manager, keeper): `account` already holds `heldRole`.
    error InstitutionRoleConflict(address account, bytes32 heldRole);
    /// @notice A role is granted only to an address a current holder of that role nominated (four eyes).
    error RoleGrantNotNominated(bytes32 role, address account);
    /// @notice `upgradeToAndCall` to an implementation that is not the scheduled one (`scheduled`, or none).
    error UpgradeNotScheduled(address implementation, address scheduled);
    /// @notice The scheduled upgrade's delay has not passed yet.
    error UpgradeNotReady(address implementation, uint64 readyAt, uint64 now_);

    // ───────────────────────────── events ─────────────────────────────

    /// @notice One per ledger operation, after all its other events.
    event OperationRecorded(uint256 indexed sequence, bytes4 indexed selector, bytes32 dataHash, bytes32 runningHash);
    event PlanCreated(bytes32 indexed plan, bytes32 indexed employer, uint16[] vestingBpsByYear);
    event PersonalAccountOpened(bytes32 indexed accountId, bytes32 indexed member, bytes32 bankAccountHash);
    event MemberEnrolled(bytes32 indexed accountId, bytes32 indexed plan, bytes32 indexed member, uint64 serviceStart);
    /// @notice One per credited personal contribution (single or batch item); `bankRef` is the call's reference.
    event PersonalContributionCredited(bytes32 indexed accountId, bytes32 indexed bankRef, uint64 amount, uint16 year);
    /// @notice One per credited annuity batch line.
    event AnnuityContributionCredited(
        bytes32 indexed accountId, bytes32 indexed bankRef, uint64 employerAmount, uint64 employeeAmount
    );
    /// @notice One per batch, after its items.
    event ContributionBatchRecorded(bytes32 indexed bankRef, bytes32 indexed plan, uint256 items, uint256 total);
    event ReturnCredited(bytes32 indexed accountId, bytes32 indexed batchRef, int64 amount);
    event MemberLeft(bytes32 indexed accountId, uint64 leftAt, uint256 vested, uint256 forfeited);
    event EligibilityRecorded(
        bytes32 indexed member, QualifyingEvent indexed qualifyingEvent, uint64 effectiveDate, bytes32 evidenceHash
    );
    event EligibilityRevoked(bytes32 indexed member, QualifyingEvent indexed qualifyingEvent, bytes32 reason);
    event PayoutPlanStarted(
        bytes32 indexed accountId, QualifyingEvent qualifyingEvent, PayoutMode mode, uint256 parameter
    );
    event HeirsRegistered(bytes32 indexed accountId, Heir[] heirs);
    event PayoutSettled(
        uint64 indexed payoutId, bytes32 indexed accountId, uint64 indexed runId, bytes32 payee, uint64 gross,
        uint64 tax, uint64 net
    );
    event SettlementRunRecorded(uint64 indexed runId, bytes32 indexed runRef, uint256 payouts, bytes32 merkleRoot);
    event PayoutPaid(uint64 indexed payoutId, bytes32 indexed accountId);
    /// @notice The bank rejected the payment; gross returned to the account's balance.
    event PayoutFailed(uint64 indexed payoutId, bytes32 indexed accountId, uint64 gross);
    event AccountStatusChanged(bytes32 indexed accountId, AccountStatus from, AccountStatus to, bytes32 reasonCode);
    event AnnualCapSet(uint16 indexed fromYear, uint64 capFen);
    event WithdrawalTaxRateSet(uint16 indexed fromYear, uint16 rateBps);
    event EnterpriseLimitsSet(uint16 indexed fromYear, uint16 employerBps, uint16 totalBps);
    /// @notice A holder of `role` nominated `account` for it; the operator may now grant it.
    event RoleMemberNominated(bytes32 indexed role, address indexed account, address indexed nominatedBy);
    /// @notice The operator scheduled an upgrade to `implementation`, executable from `readyAt` on.
    event UpgradeScheduled(address indexed implementation, uint64 readyAt);

    // ─────────────────────────── accounts ────────────────────────────

    /// @notice Opens the member's personal-pension account, bound to the hash of one bank account. BANK_ROLE.
    function openPersonalAccount(bytes32 member, bytes32 bankAccountHash) external returns (bytes32 accountId);

    /// @notice Creates an employer's enterprise-annuity plan with its vesting schedule: vestingBpsByYear[i] is
    /// the vested share after i+1 full years of service. OPERATOR_ROLE.
    function createPlan(bytes32 plan, bytes32 employer, uint16[] calldata vestingBpsByYear) external;

    /// @notice Enrols a member in a plan; service starts at `serviceStart` (unix seconds). BANK_ROLE.
    function enrolMember(bytes32 plan, bytes32 member, uint64 serviceStart) external returns (bytes32 accountId);

    /// @notice The employee left the employer: the unvested employer part goes to the plan's forfeiture
    /// account. BANK_ROLE. Full years of service count on CST calendar anniversaries of `serviceStart`; the vested
    /// part is employer part × bps / 10,000 rounded down; never more than the balance is forfeited. Nothing is
    /// forfeited if retirement, loss of work capacity or death is attested effective by `leftAt` (those vest the
    /// employer part in full, 企业年金办法 art. 24).
    function recordLeaving(bytes32 plan, bytes32 member, uint64 leftAt) external;

    /// @notice Legal hold. OPERATOR_ROLE. Allowed while paused (a legal hold must work during an emergency stop).
    function freezeAccount(bytes32 accountId, bytes32 reasonCode) external;

    /// @notice Lifts a legal hold; the account returns to the status it had. OPERATOR_ROLE. Allowed while paused.
    function unfreezeAccount(bytes32 accountId, bytes32 reasonCode) external;

    // ───────────────────────── contributions ─────────────────────────

    /// @notice Credits one personal-pension contribution. BANK_ROLE.
    function contribute(bytes32 bankRef, bytes32 member, uint64 amount, uint64 bookedAt) external;

    /// @notice Credits a batch of personal-pension contributions under one bank reference; any invalid item
    /// rejects the whole batch with {BatchItemInvalid}. BANK_ROLE.
    function contributeBatch(bytes32 bankRef, PersonalContribution[] calldata items) external;

    /// @notice Credits (part of) an employer's payroll for one plan and period. BANK_ROLE. `period` is the payroll
    /// month as YYYYMM (CST); the enterprise limits of its year apply. Limits are wage base × bps / 10,000
    /// rounded down to the fen, per employee per period: an account is credited once per period and periods in
    /// order ({AnnuityPeriodAlreadyCredited}). `periodEmployees` and `periodEmployerTotal` are the whole payroll
    /// period's totals (a payroll may come in several batches): the period's first batch records them, later
    /// batches must repeat them ({PayrollTotalsMismatch}), and the batches together never credit more
    /// ({PayrollPeriodExceeded}). The 5× rule compares employerAmount × periodEmployees ≤ 5 × periodEmployerTotal,
    /// unrounded.
    function contributeAnnuityBatch(
        bytes32 bankRef,
        bytes32 plan,
        uint32 period,
        uint32 periodEmployees,
        uint64 periodEmployerTotal,
        AnnuityContribution[] calldata items
    ) external;

    // ─────────────────────────── returns ─────────────────────────────

    /// @notice Credits investment returns or losses. INVESTMENT_MANAGER_ROLE. A batch reference credits once
    /// ({ReturnsBatchAlreadyUsed}); Active and PayingOut accounts accept returns, Frozen and Closed ones do not.
    function creditReturns(bytes32 batchRef, ReturnCredit[] calldata items) external;

    // ────────────────────────── eligibility ──────────────────────────

    /// @notice Records a qualifying event for a member. SOCIAL_SECURITY_ROLE. An attested death freezes
    /// contributions to every account of the member (status PayingOut once heirs are registered). Serious
    /// illness, long unemployment and minimum living allowance need an effective date from 2025-09-01 CST on.
    function recordEligibility(bytes32 member, QualifyingEvent qualifyingEvent, uint64 effectiveDate, bytes32 evidenceHash)
        external;

    /// @notice Revokes an attestation made in error, if no payout has started on it. SOCIAL_SECURITY_ROLE.
    function revokeEligibility(bytes32 member, QualifyingEvent qualifyingEvent, bytes32 reason) external;

    // ─────────────────────────── payouts ─────────────────────────────

    /// @notice Starts the payout plan the member chose on an attested event; the account becomes PayingOut
    /// and the employer part vests in full — except on emigration: an annuity member who has not left the
    /// employer leaves at block time first ({MemberLeft}), the unvested employer part going to the plan's
    /// forfeiture account (unless retirement, loss of work capacity or death is attested too). `parameter` is the
    /// months (Monthly), the gross amount per month (FixedInstalment) or 0 (LumpSum). BANK_ROLE.
    function startPayout(bytes32 accountId, QualifyingEvent qualifyingEvent, PayoutMode mode, uint256 parameter)
        external;

    /// @notice Registers the heirs of a member with an attested death; the balance is paid to them, in their
    /// shares, at the next settlement, then the account closes. BANK_ROLE.
    function registerHeirs(bytes32 accountId, Heir[] calldata heirs) external;

    /// @notice Settles the due payouts of the given accounts (one instalment per account per calendar month in
    /// CST; accounts with nothing due are skipped: unknown, not PayingOut, Frozen, already paid this month, empty,
    /// or deceased without heirs). Personal-pension payouts — heirs' included — have the withdrawal tax withheld:
    /// tax = (gross × rateBps + 5,000) / 10,000, i.e. rounded to the fen half up. An inheritance is paid to all
    /// heirs in one run (the last heir takes the rounding remainder). An account whose balance reaches 0 is
    /// Closed. A monthly instalment that rounds down to 0 fen pays nothing that month. KEEPER_ROLE.
    function settlePayouts(bytes32 runRef, bytes32[] calldata accountIds) external returns (uint64 runId);

    /// @notice Records the bank's results: paid, or failed (the gross returns to the balance, the payout and its
    /// tax are reversed, a Closed account returns to PayingOut and the next settlement pays it again; a failed
    /// heir's payment goes to the same heir). Any invalid result rejects the whole call with {BatchItemInvalid}.
    /// BANK_ROLE.
    function reportPayoutResults(PayoutResult[] calldata results) external;

    // ─────────────────────────── governance ──────────────────────────

    /// @notice Sets the personal-pension annual cap (fen) from a year on. OPERATOR_ROLE. For this and the two
    /// setters below: `fromYear` ≥ the current CST year, and the current year's own entry cannot be replaced
    /// ({ParameterYearClosed}); a future year's entry can, until that year starts.
    function setAnnualCap(uint16 fromYear, uint64 capFen) external;
    /// @notice Sets the withdrawal tax rate (bps, ≤ 4,500) from a year on. OPERATOR_ROLE.
    function setWithdrawalTaxRate(uint16 fromYear, uint16 rateBps) external;
    /// @notice Sets the enterprise-annuity limits (bps of wage base) from a year on. OPERATOR_ROLE.
    function setEnterpriseLimits(uint16 fromYear, uint16 employerBps, uint16 totalBps) external;
    /// @notice Emergency stop of every ledger operation but unpause, role nominations/grants/revocations, upgrade
    /// scheduling and upgrades (so a compromised key can be replaced during the emergency) and freezing/unfreezing
    /// accounts (legal holds). OPERATOR_ROLE.
    function pause() external;
    function unpause() external;

    /// @notice Four eyes on role grants: a holder of `role` nominates `account` for it (its own new key, say);
    /// only then may the operator (the role admin) grant it, once. Revoking needs no nomination. Allowed while
    /// paused. Rotate a key by nominating and granting the new one before revoking the old.
    function nominateRoleMember(bytes32 role, address account) external;
    /// @notice Schedules an upgrade to `implementation`: `upgradeToAndCall` to it is accepted from
    /// block time + UPGRADE_DELAY (2 days) on, so every institution sees it coming. A new schedule replaces the
    /// previous one (and restarts the delay). OPERATOR_ROLE.
    function scheduleUpgrade(address implementation) external;
    /// @notice The scheduled implementation (address(0) if none) and the time from which it may be executed.
    function scheduledUpgrade() external view returns (address implementation, uint64 readyAt);

    // ───────────────────────────── views ─────────────────────────────

    function accountIdOf(bytes32 member, bytes32 plan) external pure returns (bytes32);
    function getAccount(bytes32 accountId) external view returns (AccountView memory);
    /// @notice Personal-pension contributions of the member in a CST calendar year and the room left under the
    /// cap of that year.
    function contributionsInYear(bytes32 member, uint16 year) external view returns (uint256 contributed, uint256 remaining);
    function isBankReferenceUsed(bytes32 bankRef) external view returns (bool);
    /// @notice Whether the investment manager's returns batch reference was used (added).
    function isReturnsBatchUsed(bytes32 batchRef) external view returns (bool);
    function eligibilityOf(bytes32 member, QualifyingEvent qualifyingEvent)
        external
        view
        returns (bool active, uint64 effectiveDate, bytes32 evidenceHash);
    function payoutStatus(uint64 payoutId) external view returns (PayoutStatus);
    function settlementRoot(uint64 runId) external view returns (bytes32);
    function annualCap(uint16 year) external view returns (uint64);
    function withdrawalTaxRate(uint16 year) external view returns (uint16);
    function enterpriseLimits(uint16 year) external view returns (uint16 employerBps, uint16 totalBps);
    function systemTotals() external view returns (SystemTotals memory);
    function forfeitureBalance(bytes32 plan) external view returns (uint256);
    /// @notice The number of ledger operations so far and the running hash after the last one.
    function auditState() external view returns (uint256 operationCount, bytes32 runningHash);
}
