// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";

/// @title Storage of the pension ledger (ERC-7201 namespace "pension-ledger.storage.PensionLedger")
/// @notice The hot state of an account lives in one packed word (`Account.ledger`), so that a contribution and
/// a settled payout each touch one written storage slot. Bit offsets:
///   0 status | 8 kind | 16 flags | 24..135 phase-dependent (below) | 136 contributions (uint56) | 192 balance (uint64)
/// Contribution phase (Active, or Frozen from Active):
///   24 capYear (uint16) | 40 contributed in capYear (uint48) | 88 contributed in capYear − 1 (uint48)
/// Payout phase (PayingOut, Closed, or Frozen from PayingOut) — the year sums are archived on entering it:
///   24 mode (uint8) | 32 months left (uint16) | 48 last settled CST month index + 1 (uint16) | 64 tax (uint72)
/// Net payouts are not stored per account: by conservation they are
/// contributions + employerContributions + investmentReturns − forfeitures − tax − balance.
/// Amounts are fen; uint48 per-year sums hold 2.8e14 fen and uint56 contributions 7.2e16 fen, far beyond any
/// member's lifetime contributions under the cap; the setters revert rather than truncate.
library LedgerStorage {
    // keccak256(abi.encode(uint256(keccak256("pension-ledger.storage.PensionLedger")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant LAYOUT_SLOT = 0x2b0e436bd84fa3e98171d360c06f65fea4906a9b554855ed46b7bc8650205100;

    uint256 internal constant FLAG_DECEASED = 1;
    uint256 internal constant FLAG_LEFT = 2;
    uint256 internal constant FLAG_FULLY_VESTED = 4;
    uint256 internal constant FLAG_HEIRS = 8;

    uint256 internal constant KIND_SHIFT = 8;
    uint256 internal constant FLAGS_SHIFT = 16;
    uint256 internal constant CAP_YEAR_SHIFT = 24;
    uint256 internal constant THIS_YEAR_SHIFT = 40;
    uint256 internal constant PREV_YEAR_SHIFT = 88;
    uint256 internal constant CONTRIBUTIONS_SHIFT = 136;
    uint256 internal constant BALANCE_SHIFT = 192;

    uint256 internal constant MODE_SHIFT = 24;
    uint256 internal constant MONTHS_LEFT_SHIFT = 32;
    uint256 internal constant LAST_MONTH_SHIFT = 48;
    uint256 internal constant TAX_SHIFT = 64;
    /// @dev The 112 phase-dependent bits [24, 136).
    uint256 internal constant PHASE_MASK = ((uint256(1) << 112) - 1) << 24;

    uint256 internal constant MASK_8 = 0xff;
    uint256 internal constant MASK_16 = 0xffff;
    uint256 internal constant MASK_48 = 0xffffffffffff;
    uint256 internal constant MASK_56 = 0xffffffffffffff;
    uint256 internal constant MASK_64 = 0xffffffffffffffff;
    uint256 internal constant MASK_72 = 0xffffffffffffffffff;

    /// @dev Internal payout mode for heirs (not part of the public PayoutMode enum).
    uint8 internal constant MODE_INHERITANCE = 255;

    struct Account {
        uint256 ledger; // packed, see above
        uint64 employerContributions;
        int64 investmentReturns;
        uint64 forfeitures;
        uint8 frozenFrom; // status to return to on unfreeze
        uint8 qualifyingEvent; // the event the payout plan started on
        uint32 lastPayrollPeriod; // annuity: the last payroll period (YYYYMM) credited; shares the slot above
        uint64 serviceStart;
        uint64 leftAt;
        uint64 instalment; // FixedInstalment gross per month
        bytes32 member;
        bytes32 plan;
        bytes32 bankAccountHash;
    }

    struct Plan {
        bytes32 employer;
        uint128 schedule; // vesting bps after year i+1 in bits [16i, 16i+16)
        uint8 steps;
        bool exists;
        uint256 forfeiturePool;
    }

    struct Eligibility {
        bool active;
        bool inUse;
        uint64 effectiveDate;
        bytes32 evidenceHash;
    }

    struct HeirRecord {
        bytes32 heirRef;
        uint16 shareBps;
        uint64 owed; // returned by a failed payout, paid to this heir first at the next settlement
    }

    /// @dev An enterprise-annuity payroll period of one plan: the totals its first batch declared and what its
    /// batches credited so far (one slot).
    struct PayrollPeriod {
        uint32 employees;
        uint64 employerTotal;
        uint32 creditedEmployees;
        uint64 creditedEmployer;
    }

    struct CapEntry {
        uint16 fromYear;
        uint64 capFen;
    }

    struct RateEntry {
        uint16 fromYear;
        uint16 rateBps;
    }

    struct LimitsEntry {
        uint16 fromYear;
        uint16 employerBps;
        uint16 totalBps;
    }

    /// @dev One slot per total: a batch writes only the totals it changes, once.
    struct Totals {
        uint256 contributions;
        uint256 employerContributions;
        int256 investmentReturns;
        uint256 payouts;
        uint256 tax;
        uint256 forfeitures;
        uint256 balance;
        uint256 forfeiturePools;
    }

    /// @custom:storage-location erc7201:pension-ledger.storage.PensionLedger
    struct Layout {
        mapping(bytes32 accountId => Account) accounts;
        mapping(bytes32 plan => Plan) plans;
        mapping(bytes32 member => bytes32[]) memberAccounts;
        mapping(bytes32 member => mapping(uint8 qualifyingEvent => Eligibility)) eligibility;
        mapping(bytes32 accountId => mapping(uint16 year => uint256)) archivedYears;
        mapping(bytes32 bankRef => bool) usedBankRefs;
        mapping(bytes32 batchRef => bool) usedReturnRefs;
        mapping(bytes32 runRef => bool) usedRunRefs;
        mapping(uint64 runId => bytes32) runRoots;
        mapping(uint256 word => uint256) payoutResults; // 2 bits per payout id: 1 Paid, 2 Failed
        mapping(bytes32 accountId => HeirRecord[]) heirs;
        CapEntry[] caps;
        RateEntry[] taxRates;
        LimitsEntry[] limits;
        Totals totals;
        uint64 accountCount;
        uint64 operationCount;
        uint64 lastPayoutId;
        uint64 lastRunId;
        bytes32 runningHash;
        // ── appended (upgrade-safe) ──
        mapping(address account => bytes32) institutionRoleOf; // the one institution role an address may hold
        mapping(bytes32 role => mapping(address account => bool)) roleNominations;
        address scheduledImplementation;
        uint64 upgradeReadyAt;
        mapping(bytes32 plan => mapping(uint32 period => PayrollPeriod)) payrollPeriods;
    }

    function layout() internal pure returns (Layout storage $) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := LAYOUT_SLOT
        }
    }

    function accountIdOf(bytes32 member, bytes32 plan) internal pure returns (bytes32 id) {
        // keccak256(abi.encode(member, plan)) in scratch space: no memory growth inside batch loops
        // solhint-disable-next-line no-inline-assembly
        assembly {
            mstore(0x00, member)
            mstore(0x20, plan)
            id := keccak256(0x00, 0x40)
        }
    }

    // ── packed ledger word ──
    function statusOf(uint256 w) internal pure returns (uint8) {
        return uint8(w);
    }

    function kindOf(uint256 w) internal pure returns (uint8) {
        return uint8(w >> KIND_SHIFT);
    }

    function flagsOf(uint256 w) internal pure returns (uint256) {
        return (w >> FLAGS_SHIFT) & MASK_8;
    }

    function balanceOf(uint256 w) internal pure returns (uint256) {
        return w >> BALANCE_SHIFT;
    }

    function contributionsOf(uint256 w) internal pure returns (uint256) {
        return (w >> CONTRIBUTIONS_SHIFT) & MASK_56;
    }

    function withStatus(uint256 w, uint8 s) internal pure returns (uint256) {
        return (w & ~MASK_8) | s;
    }

    function withFlag(uint256 w, uint256 flag) internal pure returns (uint256) {
        return w | (flag << FLAGS_SHIFT);
    }

    function withoutFlag(uint256 w, uint256 flag) internal pure returns (uint256) {
        return w & ~(flag << FLAGS_SHIFT);
    }

    function withBalance(uint256 w, uint256 balance) internal pure returns (uint256) {
        // Reverts instead of truncating: a balance never exceeds uint64 fen.
        return (w & ~(MASK_64 << BALANCE_SHIFT)) | (uint256(uint64(toU64(balance))) << BALANCE_SHIFT);
    }

    function withContributions(uint256 w, uint256 c) internal pure returns (uint256) {
        require(c <= MASK_56, IPensionLedger.AmountOverflow(c));
        return (w & ~(MASK_56 << CONTRIBUTIONS_SHIFT)) | (c << CONTRIBUTIONS_SHIFT);
    }

    // ── payout phase ──
    function modeOf(uint256 w) internal pure returns (uint8) {
        return uint8(w >> MODE_SHIFT);
    }

    function taxOf(uint256 w) internal pure returns (uint256) {
        return (w >> TAX_SHIFT) & MASK_72;
    }

    function withTax(uint256 w, uint256 tax) internal pure returns (uint256) {
        require(tax <= MASK_72, IPensionLedger.AmountOverflow(tax));
        return (w & ~(MASK_72 << TAX_SHIFT)) | (tax << TAX_SHIFT);
    }

    function toU64(uint256 x) internal pure returns (uint256) {
        require(x <= MASK_64, IPensionLedger.AmountOverflow(x));
        return x;
    }
}
