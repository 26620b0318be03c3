// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {IPensionLedger} from "./interfaces/IPensionLedger.sol";
import {LedgerStorage} from "./libraries/LedgerStorage.sol";
import {ParameterLogic} from "./libraries/ParameterLogic.sol";
import {ContributionLogic} from "./libraries/ContributionLogic.sol";
import {AccountLogic} from "./libraries/AccountLogic.sol";
import {EligibilityLogic} from "./libraries/EligibilityLogic.sol";
import {ReturnsLogic} from "./libraries/ReturnsLogic.sol";
import {PayoutLogic} from "./libraries/PayoutLogic.sol";
import {GovernanceLogic} from "./libraries/GovernanceLogic.sol";

/// @title The pension ledger (UUPS implementation; state in the ERC-7201 namespace of {LedgerStorage})
/// @notice See {IPensionLedger}. The rules live in linked libraries (`libraries/*Logic.sol`) so that this
/// contract stays under the 24,576-byte code size limit; each external entry point checks the caller's role
/// and the pause, delegates to its library, then records the ledger operation in the running audit hash.
contract PensionLedger is
    Initializable,
    AccessControlUpgradeable,
    PausableUpgradeable,
    UUPSUpgradeable,
    IPensionLedger
{
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant BANK_ROLE = keccak256("BANK_ROLE");
    bytes32 public constant SOCIAL_SECURITY_ROLE = keccak256("SOCIAL_SECURITY_ROLE");
    bytes32 public constant TAX_BUREAU_ROLE = keccak256("TAX_BUREAU_ROLE");
    bytes32 public constant INVESTMENT_MANAGER_ROLE = keccak256("INVESTMENT_MANAGER_ROLE");
    bytes32 public constant KEEPER_ROLE = keccak256("KEEPER_ROLE");

    /// @notice The first year the default parameters apply to.
    uint16 public constant DEFAULTS_FROM_YEAR = 2024;
    /// @notice Time between {scheduleUpgrade} and the earliest `upgradeToAndCall` to that implementation.
    uint256 public constant UPGRADE_DELAY = GovernanceLogic.UPGRADE_DELAY;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Grants DEFAULT_ADMIN_ROLE and OPERATOR_ROLE to the operator and each institution its role (the
    /// deployer keeps nothing; six distinct non-zero addresses, else {ZeroValue} / {InstitutionRoleConflict}),
    /// and sets the default parameters from 2024 on: cap 1,200,000 fen, withdrawal tax 300 bps, enterprise limits
    /// 800 / 1,200 bps. Recorded as ledger operation 1.
    function initialize(
        address operator,
        address bank,
        address socialSecurity,
        address taxBureau,
        address investmentManager,
        address keeper
    ) external initializer {
        __AccessControl_init();
        __Pausable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, _nonZero(operator, "operator"));
        _grantRole(OPERATOR_ROLE, operator);
        _grantRole(BANK_ROLE, _nonZero(bank, "bank"));
        _grantRole(SOCIAL_SECURITY_ROLE, _nonZero(socialSecurity, "socialSecurity"));
        _grantRole(TAX_BUREAU_ROLE, _nonZero(taxBureau, "taxBureau"));
        _grantRole(INVESTMENT_MANAGER_ROLE, _nonZero(investmentManager, "investmentManager"));
        _grantRole(KEEPER_ROLE, _nonZero(keeper, "keeper"));
        ParameterLogic.setDefaults(LedgerStorage.layout(), DEFAULTS_FROM_YEAR);
        _recordOperation();
    }

    // ─────────────────────────── accounts ────────────────────────────

    /// @inheritdoc IPensionLedger
    function openPersonalAccount(
        bytes32 member,
        bytes32 bankAccountHash
    ) external whenNotPaused onlyRole(BANK_ROLE) returns (bytes32 accountId) {
        accountId = AccountLogic.openPersonalAccount(LedgerStorage.layout(), member, bankAccountHash);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function createPlan(
        bytes32 plan,
        bytes32 employer,
        uint16[] calldata vestingBpsByYear
    ) external whenNotPaused onlyRole(OPERATOR_ROLE) {
        AccountLogic.createPlan(LedgerStorage.layout(), plan, employer, vestingBpsByYear);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function enrolMember(
        bytes32 plan,
        bytes32 member,
        uint64 serviceStart
    ) external whenNotPaused onlyRole(BANK_ROLE) returns (bytes32 accountId) {
        accountId = AccountLogic.enrolMember(LedgerStorage.layout(), plan, member, serviceStart);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function recordLeaving(bytes32 plan, bytes32 member, uint64 leftAt) external whenNotPaused onlyRole(BANK_ROLE) {
        AccountLogic.recordLeaving(LedgerStorage.layout(), plan, member, leftAt);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    /// @dev Allowed while paused: a legal hold must work during an emergency stop.
    function freezeAccount(bytes32 accountId, bytes32 reasonCode) external onlyRole(OPERATOR_ROLE) {
        AccountLogic.freezeAccount(LedgerStorage.layout(), accountId, reasonCode);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    /// @dev Allowed while paused, like freezeAccount.
    function unfreezeAccount(bytes32 accountId, bytes32 reasonCode) external onlyRole(OPERATOR_ROLE) {
        AccountLogic.unfreezeAccount(LedgerStorage.layout(), accountId, reasonCode);
        _recordOperation();
    }

    // ───────────────────────── contributions ─────────────────────────

    /// @inheritdoc IPensionLedger
    function contribute(
        bytes32 bankRef,
        bytes32 member,
        uint64 amount,
        uint64 bookedAt
    ) external whenNotPaused onlyRole(BANK_ROLE) {
        ContributionLogic.contribute(LedgerStorage.layout(), bankRef, member, amount, bookedAt);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function contributeBatch(
        bytes32 bankRef,
        PersonalContribution[] calldata items
    ) external whenNotPaused onlyRole(BANK_ROLE) {
        ContributionLogic.contributeBatch(LedgerStorage.layout(), bankRef, items);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function contributeAnnuityBatch(
        bytes32 bankRef,
        bytes32 plan,
        uint32 period,
        uint32 periodEmployees,
        uint64 periodEmployerTotal,
        AnnuityContribution[] calldata items
    ) external whenNotPaused onlyRole(BANK_ROLE) {
        ContributionLogic.contributeAnnuityBatch(
            LedgerStorage.layout(),
            bankRef,
            plan,
            period,
            periodEmployees,
            periodEmployerTotal,
            items
        );
        _recordOperation();
    }

    // ─────────────────────────── returns ─────────────────────────────

    /// @inheritdoc IPensionLedger
    function creditReturns(
        bytes32 batchRef,
        ReturnCredit[] calldata items
    ) external whenNotPaused onlyRole(INVESTMENT_MANAGER_ROLE) {
        ReturnsLogic.creditReturns(LedgerStorage.layout(), batchRef, items);
        _recordOperation();
    }

    // ────────────────────────── eligibility ──────────────────────────

    /// @inheritdoc IPensionLedger
    function recordEligibility(
        bytes32 member,
        QualifyingEvent qualifyingEvent,
        uint64 effectiveDate,
        bytes32 evidenceHash
    ) external whenNotPaused onlyRole(SOCIAL_SECURITY_ROLE) {
        EligibilityLogic.recordEligibility(LedgerStorage.layout(), member, qualifyingEvent, effectiveDate, evidenceHash);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function revokeEligibility(
        bytes32 member,
        QualifyingEvent qualifyingEvent,
        bytes32 reason
    ) external whenNotPaused onlyRole(SOCIAL_SECURITY_ROLE) {
        EligibilityLogic.revokeEligibility(LedgerStorage.layout(), member, qualifyingEvent, reason);
        _recordOperation();
    }

    // ─────────────────────────── payouts ─────────────────────────────

    /// @inheritdoc IPensionLedger
    function startPayout(
        bytes32 accountId,
        QualifyingEvent qualifyingEvent,
        PayoutMode mode,
        uint256 parameter
    ) external whenNotPaused onlyRole(BANK_ROLE) {
        LedgerStorage.Layout storage $ = LedgerStorage.layout();
        if (qualifyingEvent == QualifyingEvent.Emigration) AccountLogic.leaveOnEmigration($, accountId);
        PayoutLogic.startPayout($, accountId, qualifyingEvent, mode, parameter);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function registerHeirs(bytes32 accountId, Heir[] calldata heirs) external whenNotPaused onlyRole(BANK_ROLE) {
        PayoutLogic.registerHeirs(LedgerStorage.layout(), accountId, heirs);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function settlePayouts(
        bytes32 runRef,
        bytes32[] calldata accountIds
    ) external whenNotPaused onlyRole(KEEPER_ROLE) returns (uint64 runId) {
        runId = PayoutLogic.settlePayouts(LedgerStorage.layout(), runRef, accountIds);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function reportPayoutResults(PayoutResult[] calldata results) external whenNotPaused onlyRole(BANK_ROLE) {
        PayoutLogic.reportPayoutResults(LedgerStorage.layout(), results);
        _recordOperation();
    }

    // ─────────────────────────── governance ──────────────────────────

    /// @inheritdoc IPensionLedger
    function setAnnualCap(uint16 fromYear, uint64 capFen) external whenNotPaused onlyRole(OPERATOR_ROLE) {
        ParameterLogic.setAnnualCap(LedgerStorage.layout(), fromYear, capFen, false);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function setWithdrawalTaxRate(uint16 fromYear, uint16 rateBps) external whenNotPaused onlyRole(OPERATOR_ROLE) {
        ParameterLogic.setWithdrawalTaxRate(LedgerStorage.layout(), fromYear, rateBps, false);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function setEnterpriseLimits(
        uint16 fromYear,
        uint16 employerBps,
        uint16 totalBps
    ) external whenNotPaused onlyRole(OPERATOR_ROLE) {
        ParameterLogic.setEnterpriseLimits(LedgerStorage.layout(), fromYear, employerBps, totalBps, false);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function pause() external onlyRole(OPERATOR_ROLE) {
        _pause();
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function unpause() external onlyRole(OPERATOR_ROLE) {
        _unpause();
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function nominateRoleMember(bytes32 role, address account) external onlyRole(role) {
        GovernanceLogic.nominate(LedgerStorage.layout(), role, account);
        _recordOperation();
    }

    /// @notice Role grants are ledger operations too. Allowed while paused: replacing a compromised key is an
    /// emergency measure. Takes effect only for an address a holder of `role` nominated ({nominateRoleMember});
    /// the nomination is used up.
    function grantRole(bytes32 role, address account) public override onlyRole(getRoleAdmin(role)) {
        GovernanceLogic.useNomination(LedgerStorage.layout(), role, account);
        _grantRole(role, account);
        _recordOperation();
    }

    /// @notice See {grantRole}.
    function revokeRole(bytes32 role, address account) public override onlyRole(getRoleAdmin(role)) {
        _revokeRole(role, account);
        _recordOperation();
    }

    /// @notice See {grantRole}.
    function renounceRole(bytes32 role, address callerConfirmation) public override {
        super.renounceRole(role, callerConfirmation);
        _recordOperation();
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @inheritdoc IPensionLedger
    function scheduleUpgrade(address implementation) external onlyRole(OPERATOR_ROLE) {
        GovernanceLogic.scheduleUpgrade(LedgerStorage.layout(), implementation);
        _recordOperation();
    }

    /// @inheritdoc IPensionLedger
    function scheduledUpgrade() external view returns (address implementation, uint64 readyAt) {
        LedgerStorage.Layout storage $ = LedgerStorage.layout();
        return ($.scheduledImplementation, $.upgradeReadyAt);
    }

    /// @inheritdoc IPensionLedger
    function accountIdOf(bytes32 member, bytes32 plan) external pure returns (bytes32) {
        return LedgerStorage.accountIdOf(member, plan);
    }

    /// @inheritdoc IPensionLedger
    function getAccount(bytes32 accountId) external view returns (AccountView memory) {
        return AccountLogic.getAccount(LedgerStorage.layout(), accountId);
    }

    /// @inheritdoc IPensionLedger
    function contributionsInYear(
        bytes32 member,
        uint16 year
    ) external view returns (uint256 contributed, uint256 remaining) {
        return ContributionLogic.contributionsInYear(LedgerStorage.layout(), member, year);
    }

    /// @inheritdoc IPensionLedger
    function isBankReferenceUsed(bytes32 bankRef) external view returns (bool) {
        return LedgerStorage.layout().usedBankRefs[bankRef];
    }

    /// @inheritdoc IPensionLedger
    function isReturnsBatchUsed(bytes32 batchRef) external view returns (bool) {
        return LedgerStorage.layout().usedReturnRefs[batchRef];
    }

    /// @inheritdoc IPensionLedger
    function eligibilityOf(
        bytes32 member,
        QualifyingEvent qualifyingEvent
    ) external view returns (bool active, uint64 effectiveDate, bytes32 evidenceHash) {
        LedgerStorage.Eligibility storage e = LedgerStorage.layout().eligibility[member][uint8(qualifyingEvent)];
        return (e.active, e.effectiveDate, e.evidenceHash);
    }

    /// @inheritdoc IPensionLedger
    function payoutStatus(uint64 payoutId) external view returns (PayoutStatus) {
        return PayoutLogic.payoutStatus(LedgerStorage.layout(), payoutId);
    }

    /// @inheritdoc IPensionLedger
    function settlementRoot(uint64 runId) external view returns (bytes32) {
        return LedgerStorage.layout().runRoots[runId];
    }

    /// @inheritdoc IPensionLedger
    function annualCap(uint16 year) external view returns (uint64) {
        return ParameterLogic.annualCap(LedgerStorage.layout(), year);
    }

    /// @inheritdoc IPensionLedger
    function withdrawalTaxRate(uint16 year) external view returns (uint16) {
        return ParameterLogic.withdrawalTaxRate(LedgerStorage.layout(), year);
    }

    /// @inheritdoc IPensionLedger
    function enterpriseLimits(uint16 year) external view returns (uint16 employerBps, uint16 totalBps) {
        return ParameterLogic.enterpriseLimits(LedgerStorage.layout(), year);
    }

    /// @inheritdoc IPensionLedger
    function systemTotals() external view returns (SystemTotals memory t) {
        LedgerStorage.Layout storage $ = LedgerStorage.layout();
        LedgerStorage.Totals storage s = $.totals;
        t.accounts = $.accountCount;
        t.contributions = s.contributions;
        t.employerContributions = s.employerContributions;
        t.investmentReturns = s.investmentReturns;
        t.payouts = s.payouts;
        t.tax = s.tax;
        t.forfeitures = s.forfeitures;
        t.balance = s.balance;
        t.forfeiturePools = s.forfeiturePools;
    }

    /// @inheritdoc IPensionLedger
    function forfeitureBalance(bytes32 plan) external view returns (uint256) {
        return LedgerStorage.layout().plans[plan].forfeiturePool;
    }

    /// @inheritdoc IPensionLedger
    function auditState() external view returns (uint256 operationCount, bytes32 runningHash) {
        LedgerStorage.Layout storage $ = LedgerStorage.layout();
        return ($.operationCount, $.runningHash);
    }

    // ─────────────────────────── internals ───────────────────────────

    /// @dev Upgrades are operator decisions and ledger operations (msg.data is the upgradeToAndCall call), to the
    /// implementation scheduled at least UPGRADE_DELAY before; the schedule is used up.
    function _authorizeUpgrade(address implementation) internal override onlyRole(OPERATOR_ROLE) {
        GovernanceLogic.useUpgrade(LedgerStorage.layout(), implementation);
        _recordOperation();
    }

    /// @dev An address holds at most one institution's role; DEFAULT_ADMIN_ROLE and OPERATOR_ROLE are both the
    /// operator's.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        GovernanceLogic.claimInstitution(LedgerStorage.layout(), account, _institutionOf(role));
        return super._grantRole(role, account);
    }

    /// @dev Frees the address for another institution once it holds none of its institution's roles.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && !hasRole(OPERATOR_ROLE, account) && !hasRole(DEFAULT_ADMIN_ROLE, account)) {
            GovernanceLogic.releaseInstitution(LedgerStorage.layout(), account);
        }
    }

    function _nonZero(address account, string memory institution) private pure returns (address) {
        if (account == address(0)) revert ZeroValue(institution);
        return account;
    }

    function _institutionOf(bytes32 role) private pure returns (bytes32) {
        return role == DEFAULT_ADMIN_ROLE ? OPERATOR_ROLE : role;
    }

    /// @dev runningHash_n = keccak256(abi.encode(runningHash_{n-1}, n, msg.sig, keccak256(msg.data))).
    function _recordOperation() private {
        LedgerStorage.Layout storage $ = LedgerStorage.layout();
        uint64 sequence = $.operationCount + 1;
        bytes32 dataHash = keccak256(msg.data);
        bytes32 runningHash = keccak256(abi.encode($.runningHash, uint256(sequence), msg.sig, dataHash));
        $.operationCount = sequence;
        $.runningHash = runningHash;
        emit OperationRecorded(sequence, msg.sig, dataHash, runningHash);
    }
}
