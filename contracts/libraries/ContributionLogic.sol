// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {ILedgerTypes} from "../interfaces/ILedgerTypes.sol";
import {LedgerStorage} from "./LedgerStorage.sol";
import {CalendarLogic} from "./CalendarLogic.sol";
import {ParameterLogic} from "./ParameterLogic.sol";

/// @title Contribution rules: the personal-pension annual cap and the enterprise-annuity limits
/// @notice A personal item touches its account's packed ledger word once (one SLOAD, one SSTORE), an annuity
/// line that word and the employer-part slot; each emits one lean event; parameters and the CST year window are
/// read once per call, the system totals written once. Batches hold 1..1,000 items. An invalid item does not revert where it
/// is found: the item function returns the ABI-encoded custom error, and the caller reverts with it (single
/// contribution) or wraps it in {IPensionLedger.BatchItemInvalid} with the item's index (batch).
library ContributionLogic {
    uint256 internal constant MAX_BATCH = 1000;
    uint256 internal constant BPS = 10_000;
    /// @notice How long after a CST year ends a booking of that year is still accepted (bank bookings of the last
    /// days of December that arrive in January): until 16 January 00:00 CST. After that the year is closed.
    uint256 internal constant PREVIOUS_YEAR_GRACE = 15 days;
    uint256 internal constant ACTIVE = uint256(ILedgerTypes.AccountStatus.Active);
    /// @dev Adds an amount to this year's sum, to contributions and to the balance in one addition.
    uint256 internal constant FAST_PATH_INCREMENT =
        (uint256(1) << LedgerStorage.THIS_YEAR_SHIFT) |
            (uint256(1) << LedgerStorage.CONTRIBUTIONS_SHIFT) |
            (uint256(1) << LedgerStorage.BALANCE_SHIFT);

    /// @dev The CST calendar years open for bookings, read once per call: the current one, and the previous one
    /// during the grace window only.
    struct YearWindow {
        uint256 now_;
        uint256 currentYear;
        uint256 currentStart; // unix time of 1 January 00:00 CST of currentYear
        uint256 previousStart; // 1 January of the previous year, or currentStart once the grace window is over
        uint256 capCurrent;
        uint256 capPrevious;
    }

    /// @dev Values the fast path of a personal batch reads from memory (field order is relied on by its assembly).
    struct FastPath {
        bytes32 accountsSlot;
        uint256 currentYear;
        uint256 currentStart;
        uint256 now_;
        uint256 capCurrent;
        uint256 increment;
        bytes32 topic;
    }

    /// @dev Per-batch values of an annuity batch.
    struct AnnuityBatch {
        bytes32 bankRef;
        bytes32 plan;
        uint256 period;
        uint256 employees; // the payroll period's declared totals
        uint256 employerTotal;
        uint256 employerSum;
        uint256 employerBps;
        uint256 totalBps;
    }

    // ───────────────────────── personal pension ─────────────────────────

    function contribute(
        LedgerStorage.Layout storage $,
        bytes32 bankRef,
        bytes32 member,
        uint64 amount,
        uint64 bookedAt
    ) external {
        _useBankRef($, bankRef);
        YearWindow memory w = _window($);
        bytes memory reason = _creditPersonal($, w, bankRef, member, amount, bookedAt);
        if (reason.length != 0) _revertWith(reason);
        $.totals.contributions += amount;
        $.totals.balance += amount;
    }

    function contributeBatch(
        LedgerStorage.Layout storage $,
        bytes32 bankRef,
        ILedgerTypes.PersonalContribution[] calldata items
    ) external {
        uint256 n = items.length;
        if (n == 0 || n > MAX_BATCH) revert IPensionLedger.BatchSizeInvalid(n);
        _useBankRef($, bankRef);
        YearWindow memory w = _window($);
        uint256 total;
        FastPath memory f = _fastPath($, w);
        for (uint256 i; i < n; ) {
            (bool credited, uint256 amount) = _creditFast(f, bankRef, items, i);
            if (!credited) {
                ILedgerTypes.PersonalContribution calldata item = items[i];
                amount = item.amount;
                bytes memory reason = _creditPersonal($, w, bankRef, item.member, amount, item.bookedAt);
                if (reason.length != 0) revert IPensionLedger.BatchItemInvalid(i, reason);
            }
            // At most MAX_BATCH amounts below 2^64 each: neither the sum nor the index can overflow.
            unchecked {
                total += amount;
                ++i;
            }
        }
        $.totals.contributions += total;
        $.totals.balance += total;
        emit IPensionLedger.ContributionBatchRecorded(bankRef, bytes32(0), n, total);
    }

    /// @notice The member's personal-pension contributions in a CST year and the room left under that year's cap.
    function contributionsInYear(
        LedgerStorage.Layout storage $,
        bytes32 member,
        uint16 year
    ) external view returns (uint256 contributed, uint256 remaining) {
        bytes32 id = LedgerStorage.accountIdOf(member, bytes32(0));
        uint256 word = $.accounts[id].ledger;
        uint256 status = LedgerStorage.statusOf(word);
        bool contributionPhase = status == ACTIVE ||
            (status == uint256(ILedgerTypes.AccountStatus.Frozen) &&
                $.accounts[id].frozenFrom == uint8(ILedgerTypes.AccountStatus.Active));
        uint256 capYear = (word >> LedgerStorage.CAP_YEAR_SHIFT) & LedgerStorage.MASK_16;
        if (contributionPhase && year == capYear) {
            contributed = (word >> LedgerStorage.THIS_YEAR_SHIFT) & LedgerStorage.MASK_48;
        } else if (contributionPhase && capYear > 0 && year == capYear - 1) {
            contributed = (word >> LedgerStorage.PREV_YEAR_SHIFT) & LedgerStorage.MASK_48;
        } else {
            contributed = $.archivedYears[id][year];
        }
        uint256 cap = ParameterLogic.annualCap($, year);
        remaining = cap > contributed ? cap - contributed : 0;
    }

    /// @notice Moves the two open years' sums out of the packed word (the account leaves the contribution phase).
    function archiveYears(LedgerStorage.Layout storage $, bytes32 id, uint256 word) internal {
        uint256 capYear = (word >> LedgerStorage.CAP_YEAR_SHIFT) & LedgerStorage.MASK_16;
        if (capYear == 0) return;
        uint256 thisYear = (word >> LedgerStorage.THIS_YEAR_SHIFT) & LedgerStorage.MASK_48;
        uint256 prevYear = (word >> LedgerStorage.PREV_YEAR_SHIFT) & LedgerStorage.MASK_48;
        if (thisYear != 0) $.archivedYears[id][uint16(capYear)] = thisYear;
        if (prevYear != 0) $.archivedYears[id][uint16(capYear - 1)] = prevYear;
    }

    /// @dev Fast path (the monthly peak), with the same rules as _creditPersonal: an active personal account with
    /// no flag, booked in the current CST year which the account already tracks, within the cap. One storage read,
    /// one write and one log; anything else (including every error) returns credited = false and takes the general
    /// path, which re-reads the item through the ABI decoder.
    function _creditFast(
        FastPath memory f,
        bytes32 bankRef,
        ILedgerTypes.PersonalContribution[] calldata items,
        uint256 i
    ) private returns (bool credited, uint256 amount) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := add(items.offset, mul(i, 0x60))
            amount := calldataload(add(p, 0x20))
            let bookedAt := calldataload(add(p, 0x40))
            mstore(0x00, calldataload(p))
            mstore(0x20, 0)
            let id := keccak256(0x00, 0x40) // accountIdOf(member, bytes32(0))
            mstore(0x00, id)
            mstore(0x20, mload(f)) // f.accountsSlot
            let slot := keccak256(0x00, 0x40)
            let word := sload(slot)
            // amount < 2^48 (checked first), so none of the additions below can wrap.
            if and(
                and(
                    and(iszero(shr(48, amount)), gt(amount, 0)),
                    and(eq(and(word, 0xffffff), 1), eq(and(shr(24, word), 0xffff), mload(add(f, 0x20))))
                ),
                and(
                    and(iszero(lt(bookedAt, mload(add(f, 0x40)))), iszero(gt(bookedAt, mload(add(f, 0x60))))),
                    and(
                        iszero(gt(add(and(shr(40, word), 0xffffffffffff), amount), mload(add(f, 0x80)))),
                        and(
                            iszero(gt(add(and(shr(136, word), 0xffffffffffffff), amount), 0xffffffffffffff)),
                            iszero(gt(add(shr(192, word), amount), 0xffffffffffffffff))
                        )
                    )
                )
            ) {
                // Each field was just checked to stay inside its bits: one addition credits all three.
                sstore(slot, add(word, mul(amount, mload(add(f, 0xa0)))))
                mstore(0x00, amount)
                mstore(0x20, mload(add(f, 0x20)))
                log3(0x00, 0x40, mload(add(f, 0xc0)), id, bankRef)
                credited := 1
            }
        }
    }

    function _fastPath(
        LedgerStorage.Layout storage $,
        YearWindow memory w
    ) private view returns (FastPath memory f) {
        mapping(bytes32 => LedgerStorage.Account) storage accounts = $.accounts;
        bytes32 accountsSlot;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            accountsSlot := accounts.slot
        }
        f.accountsSlot = accountsSlot;
        f.currentYear = w.currentYear;
        f.currentStart = w.currentStart;
        f.now_ = w.now_;
        f.capCurrent = w.capCurrent;
        f.increment = FAST_PATH_INCREMENT;
        f.topic = IPensionLedger.PersonalContributionCredited.selector;
    }

    function _window(LedgerStorage.Layout storage $) private view returns (YearWindow memory w) {
        w.now_ = block.timestamp;
        w.currentYear = CalendarLogic.cstYear(w.now_);
        w.currentStart = CalendarLogic.cstYearStart(w.currentYear);
        // After the grace window nothing before currentStart is open: the previous year is closed.
        w.previousStart = w.now_ < w.currentStart + PREVIOUS_YEAR_GRACE
            ? CalendarLogic.cstYearStart(w.currentYear - 1)
            : w.currentStart;
        w.capCurrent = ParameterLogic.annualCap($, w.currentYear);
        w.capPrevious = ParameterLogic.annualCap($, w.currentYear - 1);
    }

    /// @dev Credits one personal contribution, or returns the encoded error and changes nothing.
    function _creditPersonal(
        LedgerStorage.Layout storage $,
        YearWindow memory w,
        bytes32 bankRef,
        bytes32 member,
        uint256 amount,
        uint256 bookedAt
    ) private returns (bytes memory reason) {
        uint256 year;
        uint256 cap;
        (year, cap, reason) = _bookingYear(w, member, amount, bookedAt);
        if (reason.length != 0) return reason;
        bytes32 id = LedgerStorage.accountIdOf(member, bytes32(0));
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        reason = _checkContributable(word, id, member);
        if (reason.length != 0) return reason;
        (word, reason) = _addToYear($, id, word, member, year, cap, amount);
        if (reason.length != 0) return reason;
        account.ledger = word;
        emit IPensionLedger.PersonalContributionCredited(id, bankRef, uint64(amount), uint16(year));
    }

    /// @dev The cap year of a booking: the current CST year, or the previous one within the grace window.
    function _bookingYear(
        YearWindow memory w,
        bytes32 member,
        uint256 amount,
        uint256 bookedAt
    ) private pure returns (uint256 year, uint256 cap, bytes memory reason) {
        if (amount == 0) return (0, 0, abi.encodeWithSelector(IPensionLedger.ZeroValue.selector, "amount"));
        if (bookedAt > w.now_) {
            return (0, 0, abi.encodeWithSelector(IPensionLedger.BookingDateInFuture.selector, bookedAt, w.now_));
        }
        if (bookedAt >= w.currentStart) return (w.currentYear, w.capCurrent, reason);
        if (bookedAt >= w.previousStart) return (w.currentYear - 1, w.capPrevious, reason);
        return (
            0,
            0,
            abi.encodeWithSelector(IPensionLedger.BookingYearClosed.selector, member, CalendarLogic.cstYear(bookedAt))
        );
    }

    function _checkContributable(uint256 word, bytes32 id, bytes32 member) private pure returns (bytes memory reason) {
        uint256 status = word & LedgerStorage.MASK_8;
        if (status != ACTIVE) {
            if (status == 0) return abi.encodeWithSelector(IPensionLedger.AccountNotFound.selector, id);
            return abi.encodeWithSelector(IPensionLedger.AccountStatusInvalid.selector, id, status);
        }
        if ((word >> LedgerStorage.FLAGS_SHIFT) & LedgerStorage.FLAG_DECEASED != 0) {
            return abi.encodeWithSelector(IPensionLedger.MemberDeceased.selector, member);
        }
    }

    /// @dev Adds `amount` to the booking year's sum under its cap, to contributions and to the balance.
    function _addToYear(
        LedgerStorage.Layout storage $,
        bytes32 id,
        uint256 word,
        bytes32 member,
        uint256 year,
        uint256 cap,
        uint256 amount
    ) private returns (uint256, bytes memory reason) {
        uint256 capYear = (word >> LedgerStorage.CAP_YEAR_SHIFT) & LedgerStorage.MASK_16;
        uint256 thisYear = (word >> LedgerStorage.THIS_YEAR_SHIFT) & LedgerStorage.MASK_48;
        uint256 prevYear = (word >> LedgerStorage.PREV_YEAR_SHIFT) & LedgerStorage.MASK_48;
        if (year > capYear) {
            // Roll the two-year window forward; a year that leaves it is archived (once per member per year).
            if (year == capYear + 1) {
                if (prevYear != 0) $.archivedYears[id][uint16(capYear - 1)] = prevYear;
                prevYear = thisYear;
            } else {
                if (thisYear != 0) $.archivedYears[id][uint16(capYear)] = thisYear;
                if (prevYear != 0) $.archivedYears[id][uint16(capYear - 1)] = prevYear;
                prevYear = 0;
            }
            thisYear = 0;
            capYear = year;
        }
        // capYear ≤ the current year (it only ever takes booking years ≤ now) and year ≥ current − 1,
        // so year is capYear or capYear − 1 here.
        uint256 contributed = year == capYear ? thisYear : prevYear;
        if (contributed + amount > cap) {
            return (
                word,
                abi.encodeWithSelector(
                    IPensionLedger.ContributionExceedsAnnualCap.selector,
                    member,
                    amount,
                    cap > contributed ? cap - contributed : 0
                )
            );
        }
        // contributed + amount ≤ cap ≤ MASK_48 (enforced by setAnnualCap): fits the uint48 field.
        if (year == capYear) thisYear = contributed + amount;
        else prevYear = contributed + amount;
        word = LedgerStorage.withContributions(word, LedgerStorage.contributionsOf(word) + amount);
        word = LedgerStorage.withBalance(word, LedgerStorage.balanceOf(word) + amount);
        word =
            (word & ~LedgerStorage.PHASE_MASK) |
            (capYear << LedgerStorage.CAP_YEAR_SHIFT) |
            (thisYear << LedgerStorage.THIS_YEAR_SHIFT) |
            (prevYear << LedgerStorage.PREV_YEAR_SHIFT);
        return (word, reason);
    }

    // ───────────────────────── enterprise annuity ─────────────────────────

    function contributeAnnuityBatch(
        LedgerStorage.Layout storage $,
        bytes32 bankRef,
        bytes32 plan,
        uint32 period,
        uint32 periodEmployees,
        uint64 periodEmployerTotal,
        ILedgerTypes.AnnuityContribution[] calldata items
    ) external {
        uint256 n = items.length;
        if (n == 0 || n > MAX_BATCH) revert IPensionLedger.BatchSizeInvalid(n);
        AnnuityBatch memory b = _annuityBatch($, bankRef, plan, period);
        b.employees = periodEmployees;
        b.employerTotal = periodEmployerTotal;
        for (uint256 i; i < n; ++i) {
            // At most MAX_BATCH amounts below 2^64: no overflow.
            unchecked {
                b.employerSum += items[i].employerAmount;
            }
        }
        _usePayrollPeriod($, b, n);
        uint256 employeeSum;
        for (uint256 i; i < n; ++i) {
            ILedgerTypes.AnnuityContribution calldata item = items[i];
            bytes memory reason = _creditAnnuity($, b, item);
            if (reason.length != 0) revert IPensionLedger.BatchItemInvalid(i, reason);
            // As above: bounded by MAX_BATCH × 2^64.
            unchecked {
                employeeSum += item.employeeAmount;
            }
        }
        $.totals.contributions += employeeSum;
        $.totals.employerContributions += b.employerSum;
        $.totals.balance += employeeSum + b.employerSum;
        emit IPensionLedger.ContributionBatchRecorded(bankRef, plan, n, employeeSum + b.employerSum);
    }

    function _annuityBatch(
        LedgerStorage.Layout storage $,
        bytes32 bankRef,
        bytes32 plan,
        uint32 period
    ) private returns (AnnuityBatch memory b) {
        if (!$.plans[plan].exists) revert IPensionLedger.PlanNotFound(plan);
        uint256 year = period / 100;
        uint256 month = period % 100;
        if (month == 0 || month > 12 || year < 1970) revert IPensionLedger.ParameterInvalid("period", period);
        _useBankRef($, bankRef);
        b.bankRef = bankRef;
        b.plan = plan;
        b.period = period;
        (uint16 employerBps, uint16 totalBps) = ParameterLogic.enterpriseLimits($, year);
        (b.employerBps, b.totalBps) = (employerBps, totalBps);
    }

    /// @dev The period's first batch records its declared totals; every batch must repeat them, and the period's
    /// batches together never credit more employees or more employer money than declared.
    function _usePayrollPeriod(LedgerStorage.Layout storage $, AnnuityBatch memory b, uint256 n) private {
        if (b.employees == 0) revert IPensionLedger.ZeroValue("periodEmployees");
        uint32 period = uint32(b.period);
        LedgerStorage.PayrollPeriod storage pp = $.payrollPeriods[b.plan][period];
        LedgerStorage.PayrollPeriod memory p = pp;
        if (p.employees == 0) {
            (p.employees, p.employerTotal) = (uint32(b.employees), uint64(b.employerTotal));
        } else if (p.employees != b.employees || p.employerTotal != b.employerTotal) {
            revert IPensionLedger.PayrollTotalsMismatch(
                b.plan,
                period,
                b.employees,
                b.employerTotal,
                p.employees,
                p.employerTotal
            );
        }
        uint256 employees = p.creditedEmployees + n;
        uint256 employer = p.creditedEmployer + b.employerSum;
        if (employees > b.employees || employer > b.employerTotal) {
            revert IPensionLedger.PayrollPeriodExceeded(b.plan, period, employees, employer);
        }
        // Both fit: bounded by the declared uint32 / uint64 totals.
        (p.creditedEmployees, p.creditedEmployer) = (uint32(employees), uint64(employer));
        pp.employees = p.employees;
        pp.employerTotal = p.employerTotal;
        pp.creditedEmployees = p.creditedEmployees;
        pp.creditedEmployer = p.creditedEmployer;
    }

    function _creditAnnuity(
        LedgerStorage.Layout storage $,
        AnnuityBatch memory b,
        ILedgerTypes.AnnuityContribution calldata item
    ) private returns (bytes memory reason) {
        reason = _checkAnnuityLimits(b, item);
        if (reason.length != 0) return reason;
        bytes32 member = item.member;
        bytes32 id = LedgerStorage.accountIdOf(member, b.plan);
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint256 status = word & LedgerStorage.MASK_8;
        if (status != ACTIVE) {
            if (status == 0) return abi.encodeWithSelector(IPensionLedger.AccountNotFound.selector, id);
            return abi.encodeWithSelector(IPensionLedger.AccountStatusInvalid.selector, id, status);
        }
        uint256 flags = LedgerStorage.flagsOf(word);
        if (flags & LedgerStorage.FLAG_DECEASED != 0) {
            return abi.encodeWithSelector(IPensionLedger.MemberDeceased.selector, member);
        }
        if (flags & LedgerStorage.FLAG_LEFT != 0) {
            return abi.encodeWithSelector(IPensionLedger.MemberLeftPlan.selector, b.plan, member);
        }
        // One line per employee per period, in period order; also stops a member twice in one batch.
        uint32 lastPeriod = account.lastPayrollPeriod;
        if (b.period <= lastPeriod) {
            return abi.encodeWithSelector(
                IPensionLedger.AnnuityPeriodAlreadyCredited.selector,
                member,
                uint32(b.period),
                lastPeriod
            );
        }
        uint256 employer = item.employerAmount;
        uint256 employee = item.employeeAmount;
        word = LedgerStorage.withContributions(word, LedgerStorage.contributionsOf(word) + employee);
        word = LedgerStorage.withBalance(word, LedgerStorage.balanceOf(word) + employer + employee);
        account.ledger = word;
        // Same slot: the employer part and the period are written together.
        account.employerContributions += uint64(employer);
        account.lastPayrollPeriod = uint32(b.period);
        emit IPensionLedger.AnnuityContributionCredited(id, b.bankRef, uint64(employer), uint64(employee));
        return reason;
    }

    function _checkAnnuityLimits(
        AnnuityBatch memory b,
        ILedgerTypes.AnnuityContribution calldata item
    ) private pure returns (bytes memory reason) {
        uint256 wageBase = item.wageBase;
        uint256 employer = item.employerAmount;
        uint256 total = employer + item.employeeAmount;
        if (wageBase == 0) return abi.encodeWithSelector(IPensionLedger.ZeroValue.selector, "wageBase");
        if (total == 0) return abi.encodeWithSelector(IPensionLedger.ZeroValue.selector, "amount");
        // Limits are the wage base × bps / 10,000 rounded down to the fen: 8 % of 1,000,001 fen is 80,000.
        uint256 limit = (wageBase * b.employerBps) / BPS;
        if (employer > limit) {
            return
                abi.encodeWithSelector(
                    IPensionLedger.EmployerContributionExceedsLimit.selector,
                    item.member,
                    employer,
                    limit
                );
        }
        limit = (wageBase * b.totalBps) / BPS;
        if (total > limit) {
            return abi.encodeWithSelector(IPensionLedger.TotalContributionExceedsLimit.selector, item.member, total, limit);
        }
        // employer ≤ 5 × (period total / employees), compared without rounding as employer × employees ≤ 5 × total.
        if (employer * b.employees > 5 * b.employerTotal) {
            return
                abi.encodeWithSelector(
                    IPensionLedger.EmployerContributionAboveFiveTimesAverage.selector,
                    item.member,
                    employer,
                    b.employerTotal / b.employees
                );
        }
    }

    // ───────────────────────── shared ─────────────────────────

    function _useBankRef(LedgerStorage.Layout storage $, bytes32 bankRef) private {
        if (bankRef == bytes32(0)) revert IPensionLedger.ZeroValue("bankRef");
        if ($.usedBankRefs[bankRef]) revert IPensionLedger.BankReferenceAlreadyUsed(bankRef);
        $.usedBankRefs[bankRef] = true;
    }

    /// @dev Reverts with an already ABI-encoded custom error.
    function _revertWith(bytes memory reason) private pure {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            revert(add(reason, 0x20), mload(reason))
        }
    }
}
