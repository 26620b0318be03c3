// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {ILedgerTypes} from "../interfaces/ILedgerTypes.sol";
import {LedgerStorage} from "./LedgerStorage.sol";
import {CalendarLogic} from "./CalendarLogic.sol";
import {ContributionLogic} from "./ContributionLogic.sol";
import {ParameterLogic} from "./ParameterLogic.sol";

/// @title Payout plans, inheritance, settlement runs and the bank's payment results
/// @notice A settled payout touches its account's packed ledger word once and reads the member pseudonym;
/// the run's Merkle root is built incrementally (one stack of at most 32 nodes in memory), so a run of n
/// payouts stores one root, not n records. A payout's status is implicit (Settled) until the bank reports it;
/// the report is kept in a 2-bit-per-payout bitmap.
library PayoutLogic {
    uint256 internal constant MAX_BATCH = 1000;
    uint256 internal constant MAX_HEIRS = 32;
    uint256 internal constant MAX_MONTHS = 600;
    uint256 internal constant BPS = 10_000;

    uint8 internal constant ACTIVE = uint8(ILedgerTypes.AccountStatus.Active);
    uint8 internal constant FROZEN = uint8(ILedgerTypes.AccountStatus.Frozen);
    uint8 internal constant PAYING_OUT = uint8(ILedgerTypes.AccountStatus.PayingOut);
    uint8 internal constant CLOSED = uint8(ILedgerTypes.AccountStatus.Closed);
    uint8 internal constant MONTHLY = uint8(ILedgerTypes.PayoutMode.Monthly);
    uint8 internal constant FIXED = uint8(ILedgerTypes.PayoutMode.FixedInstalment);

    uint256 internal constant RESULT_PAID = 1;
    uint256 internal constant RESULT_FAILED = 2;

    /// @dev Working state of one settlement run, in memory.
    struct Run {
        uint64 runId;
        uint64 lastPayoutId;
        uint256 month; // CST month index + 1
        uint256 taxRateBps;
        uint256 gross;
        uint256 tax;
        uint256 count;
        bytes32[32] stack; // stack[k]: root of a pending perfect subtree of 2^k leaves
    }

    // ───────────────────────── payout plans ─────────────────────────

    function startPayout(
        LedgerStorage.Layout storage $,
        bytes32 id,
        ILedgerTypes.QualifyingEvent qualifyingEvent,
        ILedgerTypes.PayoutMode mode,
        uint256 parameter
    ) external {
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint8 status = LedgerStorage.statusOf(word);
        if (status == 0) revert IPensionLedger.AccountNotFound(id);
        if (status == PAYING_OUT) revert IPensionLedger.PayoutAlreadyStarted(id);
        if (status != ACTIVE) revert IPensionLedger.AccountStatusInvalid(id, ILedgerTypes.AccountStatus(status));
        bytes32 member = account.member;
        if (LedgerStorage.flagsOf(word) & LedgerStorage.FLAG_DECEASED != 0) revert IPensionLedger.MemberDeceased(member);
        bool personal = LedgerStorage.kindOf(word) == uint8(ILedgerTypes.PlanKind.PersonalPension);
        if (!_qualifies(qualifyingEvent, personal)) revert IPensionLedger.PayoutNotEligible(id, qualifyingEvent);
        LedgerStorage.Eligibility storage e = $.eligibility[member][uint8(qualifyingEvent)];
        if (!e.active) revert IPensionLedger.PayoutNotEligible(id, qualifyingEvent);
        if (!_modeValid(mode, parameter) || (!personal && qualifyingEvent == ILedgerTypes.QualifyingEvent.Emigration &&
            mode != ILedgerTypes.PayoutMode.LumpSum)) {
            revert IPensionLedger.PayoutModeInvalid(id, mode, parameter);
        }

        // An emigrating annuity member has left the plan by now (AccountLogic.leaveOnEmigration, run just before):
        // the word already holds the forfeiture of the unvested employer part.
        ContributionLogic.archiveYears($, id, word);
        word = word & ~LedgerStorage.PHASE_MASK;
        word |= uint256(uint8(mode)) << LedgerStorage.MODE_SHIFT;
        if (mode == ILedgerTypes.PayoutMode.Monthly) word |= parameter << LedgerStorage.MONTHS_LEFT_SHIFT;
        word = LedgerStorage.withFlag(LedgerStorage.withStatus(word, PAYING_OUT), LedgerStorage.FLAG_FULLY_VESTED);
        account.ledger = word;
        account.qualifyingEvent = uint8(qualifyingEvent);
        if (mode == ILedgerTypes.PayoutMode.FixedInstalment) account.instalment = uint64(parameter);
        e.inUse = true;
        emit IPensionLedger.PayoutPlanStarted(id, qualifyingEvent, mode, parameter);
        emit IPensionLedger.AccountStatusChanged(
            id,
            ILedgerTypes.AccountStatus.Active,
            ILedgerTypes.AccountStatus.PayingOut,
            "PAYOUT_STARTED"
        );
    }

    function registerHeirs(LedgerStorage.Layout storage $, bytes32 id, ILedgerTypes.Heir[] calldata heirs) external {
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint8 status = LedgerStorage.statusOf(word);
        if (status == 0) revert IPensionLedger.AccountNotFound(id);
        uint256 flags = LedgerStorage.flagsOf(word);
        if (flags & LedgerStorage.FLAG_DECEASED == 0 || flags & LedgerStorage.FLAG_HEIRS != 0) {
            revert IPensionLedger.InheritanceNotAllowed(id);
        }
        if (status != ACTIVE && status != PAYING_OUT) {
            revert IPensionLedger.AccountStatusInvalid(id, ILedgerTypes.AccountStatus(status));
        }
        uint256 n = heirs.length;
        uint256 total;
        bool zeroShare;
        for (uint256 i; i < n; ++i) {
            if (heirs[i].heirRef == bytes32(0)) revert IPensionLedger.ZeroValue("heirRef");
            if (heirs[i].shareBps == 0) zeroShare = true;
            total += heirs[i].shareBps;
        }
        if (n == 0 || n > MAX_HEIRS || zeroShare || total != BPS) revert IPensionLedger.HeirSharesInvalid(total);

        LedgerStorage.HeirRecord[] storage records = $.heirs[id];
        for (uint256 i; i < n; ++i) {
            records.push(LedgerStorage.HeirRecord(heirs[i].heirRef, heirs[i].shareBps, 0));
        }
        if (status == ACTIVE) {
            ContributionLogic.archiveYears($, id, word);
            word = word & ~LedgerStorage.PHASE_MASK;
        } else {
            // Keep the tax withheld so far; drop the member's own plan (mode, months, last month).
            word = word & ~(LedgerStorage.PHASE_MASK & ~(LedgerStorage.MASK_72 << LedgerStorage.TAX_SHIFT));
        }
        word |= uint256(LedgerStorage.MODE_INHERITANCE) << LedgerStorage.MODE_SHIFT;
        word = LedgerStorage.withFlag(word, LedgerStorage.FLAG_HEIRS | LedgerStorage.FLAG_FULLY_VESTED);
        account.ledger = LedgerStorage.withStatus(word, PAYING_OUT);
        account.qualifyingEvent = uint8(ILedgerTypes.QualifyingEvent.Death);
        $.eligibility[account.member][uint8(ILedgerTypes.QualifyingEvent.Death)].inUse = true;
        emit IPensionLedger.HeirsRegistered(id, heirs);
        if (status == ACTIVE) {
            emit IPensionLedger.AccountStatusChanged(
                id,
                ILedgerTypes.AccountStatus.Active,
                ILedgerTypes.AccountStatus.PayingOut,
                "INHERITANCE"
            );
        }
    }

    // ───────────────────────── settlement ─────────────────────────

    function settlePayouts(
        LedgerStorage.Layout storage $,
        bytes32 runRef,
        bytes32[] calldata accountIds
    ) external returns (uint64 runId) {
        if (runRef == bytes32(0)) revert IPensionLedger.ZeroValue("runRef");
        if ($.usedRunRefs[runRef]) revert IPensionLedger.SettlementRunAlreadyUsed(runRef);
        uint256 n = accountIds.length;
        if (n == 0 || n > MAX_BATCH) revert IPensionLedger.BatchSizeInvalid(n);
        $.usedRunRefs[runRef] = true;

        Run memory r;
        runId = $.lastRunId + 1;
        r.runId = runId;
        r.lastPayoutId = $.lastPayoutId;
        r.month = CalendarLogic.cstMonthIndex(block.timestamp) + 1;
        r.taxRateBps = ParameterLogic.withdrawalTaxRate($, CalendarLogic.cstYear(block.timestamp));
        for (uint256 i; i < n; ++i) {
            _settleAccount($, r, accountIds[i]);
        }
        bytes32 root = _root(r);
        $.lastRunId = runId;
        $.lastPayoutId = r.lastPayoutId;
        $.runRoots[runId] = root;
        if (r.gross != 0) {
            $.totals.balance -= r.gross;
            $.totals.payouts += r.gross - r.tax;
            $.totals.tax += r.tax;
        }
        emit IPensionLedger.SettlementRunRecorded(runId, runRef, r.count, root);
    }

    /// @dev One account of a run. Bit operations on the packed word are written out (no helper calls): this runs
    /// once per payout and is what the settlement gas target measures.
    function _settleAccount(LedgerStorage.Layout storage $, Run memory r, bytes32 id) private {
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint256 month = r.month;
        uint256 balance = word >> LedgerStorage.BALANCE_SHIFT;
        // Nothing due: not paying out (frozen included), already paid this CST month, or nothing left.
        if (
            word & LedgerStorage.MASK_8 != PAYING_OUT ||
            (word >> LedgerStorage.LAST_MONTH_SHIFT) & LedgerStorage.MASK_16 >= month ||
            balance == 0
        ) return;
        uint256 mode = (word >> LedgerStorage.MODE_SHIFT) & LedgerStorage.MASK_8;
        if (mode == LedgerStorage.MODE_INHERITANCE) {
            _settleInheritance($, r, id, account, word, balance);
            return;
        }
        // A member who died before heirs are registered is paid nothing more.
        if ((word >> LedgerStorage.FLAGS_SHIFT) & LedgerStorage.FLAG_DECEASED != 0) return;

        uint256 gross;
        (gross, word) = _instalment(account, word, mode, balance);
        word = (word & ~(LedgerStorage.MASK_16 << LedgerStorage.LAST_MONTH_SHIFT)) | (month << LedgerStorage.LAST_MONTH_SHIFT);
        if (gross == 0) {
            // A monthly instalment that rounds down to 0 fen: the month counts, nothing is paid.
            account.ledger = word;
            return;
        }
        // Personal pension (kind 0) withholds the tax; enterprise annuity does not.
        uint256 tax = (word >> LedgerStorage.KIND_SHIFT) & LedgerStorage.MASK_8 == 0 ? _tax(gross, r.taxRateBps) : 0;
        uint256 taxTotal = ((word >> LedgerStorage.TAX_SHIFT) & LedgerStorage.MASK_72) + tax;
        if (taxTotal > LedgerStorage.MASK_72) revert IPensionLedger.AmountOverflow(taxTotal);
        // gross ≤ balance in every branch of _instalment, and the balance is the top field.
        uint256 left = balance - gross;
        word =
            (word & ~(LedgerStorage.MASK_72 << LedgerStorage.TAX_SHIFT) & ((uint256(1) << LedgerStorage.BALANCE_SHIFT) - 1)) |
            (taxTotal << LedgerStorage.TAX_SHIFT) |
            (left << LedgerStorage.BALANCE_SHIFT);
        if (left == 0) word = (word & ~LedgerStorage.MASK_8) | CLOSED;
        account.ledger = word;
        _recordPayout(r, id, account.member, gross, tax);
        if (left == 0) {
            emit IPensionLedger.AccountStatusChanged(
                id,
                ILedgerTypes.AccountStatus.PayingOut,
                ILedgerTypes.AccountStatus.Closed,
                "PAID_OUT"
            );
        }
    }

    /// @dev The gross amount due this month by the member's plan; a monthly plan counts the month down.
    function _instalment(
        LedgerStorage.Account storage account,
        uint256 word,
        uint256 mode,
        uint256 balance
    ) private view returns (uint256 gross, uint256) {
        if (mode == MONTHLY) {
            uint256 monthsLeft = (word >> LedgerStorage.MONTHS_LEFT_SHIFT) & LedgerStorage.MASK_16;
            if (monthsLeft <= 1) {
                gross = balance; // the last instalment takes the rest
                monthsLeft = 0;
            } else {
                gross = balance / monthsLeft;
                --monthsLeft;
            }
            word =
                (word & ~(LedgerStorage.MASK_16 << LedgerStorage.MONTHS_LEFT_SHIFT)) |
                (monthsLeft << LedgerStorage.MONTHS_LEFT_SHIFT);
        } else if (mode == FIXED) {
            uint256 instalment = account.instalment;
            gross = instalment < balance ? instalment : balance;
        } else {
            gross = balance; // lump sum
        }
        return (gross, word);
    }

    /// @dev Pays the whole balance to the heirs: first what a failed payment returned to each heir, then the rest
    /// by shares (the last heir takes the rounding remainder). If losses left less than the heirs are owed, the
    /// balance is shared in proportion to what each is owed (an heir paid in full gets nothing more; the last heir
    /// owed anything takes the rounding remainder). The account closes.
    function _settleInheritance(
        LedgerStorage.Layout storage $,
        Run memory r,
        bytes32 id,
        LedgerStorage.Account storage account,
        uint256 word,
        uint256 balance
    ) private {
        bool personal = LedgerStorage.kindOf(word) == uint8(ILedgerTypes.PlanKind.PersonalPension);
        uint256 taxTotal = _payHeirs($.heirs[id], r, id, balance, personal);
        word = LedgerStorage.withTax(word, LedgerStorage.taxOf(word) + taxTotal);
        word = (word & ~(LedgerStorage.MASK_16 << LedgerStorage.LAST_MONTH_SHIFT)) |
            (r.month << LedgerStorage.LAST_MONTH_SHIFT);
        account.ledger = LedgerStorage.withStatus(LedgerStorage.withBalance(word, 0), CLOSED);
        emit IPensionLedger.AccountStatusChanged(
            id,
            ILedgerTypes.AccountStatus.PayingOut,
            ILedgerTypes.AccountStatus.Closed,
            "PAID_OUT"
        );
    }

    function _payHeirs(
        LedgerStorage.HeirRecord[] storage records,
        Run memory r,
        bytes32 id,
        uint256 balance,
        bool personal
    ) private returns (uint256) {
        uint256 n = records.length;
        uint256 owedTotal;
        for (uint256 i; i < n; ++i) owedTotal += records[i].owed;
        return owedTotal <= balance
            ? _payByShares(records, r, id, balance, balance - owedTotal, personal)
            : _payByOwed(records, r, id, balance, owedTotal, personal);
    }

    /// @dev What each heir is owed, plus `shared` by shares; the last heir takes the rounding remainder.
    function _payByShares(
        LedgerStorage.HeirRecord[] storage records,
        Run memory r,
        bytes32 id,
        uint256 balance,
        uint256 shared,
        bool personal
    ) private returns (uint256 taxTotal) {
        uint256 n = records.length;
        uint256 paid;
        for (uint256 i; i < n; ++i) {
            LedgerStorage.HeirRecord storage heir = records[i];
            uint256 owed = heir.owed;
            uint256 gross = i + 1 == n ? balance - paid : (shared * heir.shareBps) / BPS + owed;
            if (owed != 0) heir.owed = 0;
            paid += gross;
            taxTotal += _payHeir(r, id, heir.heirRef, gross, personal);
        }
    }

    /// @dev Less left than the heirs are owed: the balance in proportion to what each is owed (an heir owed
    /// nothing gets nothing); the last heir owed anything takes the rounding remainder.
    function _payByOwed(
        LedgerStorage.HeirRecord[] storage records,
        Run memory r,
        bytes32 id,
        uint256 balance,
        uint256 owedTotal,
        bool personal
    ) private returns (uint256 taxTotal) {
        uint256 n = records.length;
        uint256 owedLeft = owedTotal;
        uint256 paid;
        for (uint256 i; i < n; ++i) {
            LedgerStorage.HeirRecord storage heir = records[i];
            uint256 owed = heir.owed;
            if (owed == 0) continue;
            heir.owed = 0;
            owedLeft -= owed;
            uint256 gross = owedLeft == 0 ? balance - paid : (balance * owed) / owedTotal;
            paid += gross;
            taxTotal += _payHeir(r, id, heir.heirRef, gross, personal);
        }
    }

    /// @dev Records one heir's payout (none for 0 fen) and returns its tax.
    function _payHeir(Run memory r, bytes32 id, bytes32 heirRef, uint256 gross, bool personal) private returns (uint256 tax) {
        if (gross == 0) return 0;
        tax = personal ? _tax(gross, r.taxRateBps) : 0;
        _recordPayout(r, id, heirRef, gross, tax);
    }

    /// @dev Numbers the payout, emits {IPensionLedger.PayoutSettled} and adds its leaf to the run's tree. In
    /// assembly because it runs once per payout: the event data and the leaf encoding are written past the free
    /// memory pointer (scratch, never allocated), so memory does not grow with the run.
    function _recordPayout(Run memory r, bytes32 id, bytes32 payee, uint256 gross, uint256 tax) private {
        uint256 payoutId = uint256(r.lastPayoutId) + 1;
        r.lastPayoutId = uint64(payoutId);
        r.gross += gross;
        r.tax += tax;
        uint256 net = gross - tax; // tax ≤ gross for any rate ≤ 10,000 bps
        uint256 runId = r.runId;
        bytes32 topic = IPensionLedger.PayoutSettled.selector;
        bytes32 leaf;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, payee)
            mstore(add(ptr, 0x20), gross)
            mstore(add(ptr, 0x40), tax)
            mstore(add(ptr, 0x60), net)
            log4(ptr, 0x80, topic, payoutId, id, runId)
            // leaf = keccak256(bytes.concat(keccak256(abi.encode(payoutId, id, payee, gross, tax, net))))
            mstore(ptr, payoutId)
            mstore(add(ptr, 0x20), id)
            mstore(add(ptr, 0x40), payee)
            mstore(add(ptr, 0x60), gross)
            mstore(add(ptr, 0x80), tax)
            mstore(add(ptr, 0xa0), net)
            mstore(0x00, keccak256(ptr, 0xc0))
            leaf := keccak256(0x00, 0x20)
        }
        _push(r, leaf);
    }

    /// @notice tax = (gross × rateBps + 5,000) / 10,000: the fen rounded half up.
    function _tax(uint256 gross, uint256 rateBps) private pure returns (uint256) {
        return (gross * rateBps + 5_000) / BPS;
    }

    /// @notice The Merkle leaf of a payout (see {ILedgerTypes.Payout}).
    function leafOf(
        uint256 payoutId,
        bytes32 id,
        bytes32 payee,
        uint256 gross,
        uint256 tax,
        uint256 net
    ) internal pure returns (bytes32 leaf) {
        // keccak256(bytes.concat(keccak256(abi.encode(...)))) without allocating memory: the encoding is written
        // past the free memory pointer (not advanced, so it is scratch) and the outer hash uses the scratch space.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, payoutId)
            mstore(add(ptr, 0x20), id)
            mstore(add(ptr, 0x40), payee)
            mstore(add(ptr, 0x60), gross)
            mstore(add(ptr, 0x80), tax)
            mstore(add(ptr, 0xa0), net)
            mstore(0x00, keccak256(ptr, 0xc0))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev Adds a leaf like a binary counter: equal-height subtrees merge as soon as both exist. Pairs are hashed
    /// like OpenZeppelin's Hashes.commutativeKeccak256 (the smaller word first).
    function _push(Run memory r, bytes32 leaf) private pure {
        bytes32[32] memory stack = r.stack;
        uint256 c = r.count;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let node := leaf
            let slot := stack
            for {} and(c, 1) {} {
                let left := mload(slot)
                switch lt(left, node)
                case 1 {
                    mstore(0x00, left)
                    mstore(0x20, node)
                }
                default {
                    mstore(0x00, node)
                    mstore(0x20, left)
                }
                node := keccak256(0x00, 0x40)
                c := shr(1, c)
                slot := add(slot, 0x20)
            }
            // At most 32 levels: a run holds at most MAX_BATCH × MAX_HEIRS < 2^32 payouts.
            mstore(slot, node)
        }
        r.count += 1;
    }

    /// @dev Folds the pending subtrees from the smallest up. This equals the bottom-up construction in which an
    /// odd last node is carried up unchanged: that node is always the fold of the smaller pending subtrees.
    function _root(Run memory r) private pure returns (bytes32 acc) {
        uint256 c = r.count;
        bool started;
        for (uint256 k; c != 0; ++k) {
            if (c & 1 == 1) {
                acc = started ? Hashes.commutativeKeccak256(r.stack[k], acc) : r.stack[k];
                started = true;
            }
            c >>= 1;
        }
    }

    // ───────────────────────── payment results ─────────────────────────

    function reportPayoutResults(LedgerStorage.Layout storage $, ILedgerTypes.PayoutResult[] calldata results) external {
        uint256 n = results.length;
        if (n == 0 || n > MAX_BATCH) revert IPensionLedger.BatchSizeInvalid(n);
        int256 balanceDelta;
        uint256 netReversed;
        uint256 taxReversed;
        for (uint256 i; i < n; ++i) {
            ILedgerTypes.PayoutResult calldata result = results[i];
            bytes memory reason = _report($, result);
            if (reason.length != 0) revert IPensionLedger.BatchItemInvalid(i, reason);
            if (!result.paid) {
                ILedgerTypes.Payout calldata p = result.payout;
                balanceDelta += int256(uint256(p.gross));
                netReversed += p.net;
                taxReversed += p.tax;
            }
        }
        if (balanceDelta != 0) {
            $.totals.balance += uint256(balanceDelta);
            $.totals.payouts -= netReversed;
            $.totals.tax -= taxReversed;
        }
    }

    function _report(
        LedgerStorage.Layout storage $,
        ILedgerTypes.PayoutResult calldata result
    ) private returns (bytes memory reason) {
        ILedgerTypes.Payout calldata p = result.payout;
        bytes32 root = $.runRoots[result.runId];
        bytes32 leaf = leafOf(p.payoutId, p.accountId, p.payee, p.gross, p.tax, p.net);
        if (root == bytes32(0) || !MerkleProof.verifyCalldata(result.proof, root, leaf)) {
            return abi.encodeWithSelector(IPensionLedger.PayoutProofInvalid.selector, result.runId, p.payoutId);
        }
        uint256 slot = p.payoutId >> 7;
        uint256 shift = (p.payoutId & 127) * 2;
        uint256 bits = $.payoutResults[slot];
        uint256 previous = (bits >> shift) & 3;
        if (previous != 0) {
            return
                abi.encodeWithSelector(
                    IPensionLedger.PayoutAlreadyReported.selector,
                    p.payoutId,
                    previous == RESULT_PAID ? ILedgerTypes.PayoutStatus.Paid : ILedgerTypes.PayoutStatus.Failed
                );
        }
        $.payoutResults[slot] = bits | ((result.paid ? RESULT_PAID : RESULT_FAILED) << shift);
        if (result.paid) {
            emit IPensionLedger.PayoutPaid(p.payoutId, p.accountId);
            return reason;
        }

        _reverseFailed($, p);
        return reason;
    }

    /// @dev A failed payment: the gross returns to the balance; the payout and its tax are reversed.
    function _reverseFailed(LedgerStorage.Layout storage $, ILedgerTypes.Payout calldata p) private {
        LedgerStorage.Account storage account = $.accounts[p.accountId];
        uint256 word = account.ledger;
        word = LedgerStorage.withBalance(word, LedgerStorage.balanceOf(word) + p.gross);
        word = LedgerStorage.withTax(word, LedgerStorage.taxOf(word) - p.tax);
        uint8 status = LedgerStorage.statusOf(word);
        if (status == CLOSED) word = LedgerStorage.withStatus(word, PAYING_OUT);
        account.ledger = word;
        if (LedgerStorage.modeOf(word) == LedgerStorage.MODE_INHERITANCE) {
            LedgerStorage.HeirRecord[] storage records = $.heirs[p.accountId];
            for (uint256 i; i < records.length; ++i) {
                if (records[i].heirRef == p.payee) {
                    records[i].owed += p.gross;
                    break;
                }
            }
        }
        emit IPensionLedger.PayoutFailed(p.payoutId, p.accountId, p.gross);
        if (status == CLOSED) {
            emit IPensionLedger.AccountStatusChanged(
                p.accountId,
                ILedgerTypes.AccountStatus.Closed,
                ILedgerTypes.AccountStatus.PayingOut,
                "PAYOUT_FAILED"
            );
        }
    }

    /// @notice The status of a payout id: None if never settled, Settled until the bank reports it.
    function payoutStatus(LedgerStorage.Layout storage $, uint64 payoutId) internal view returns (ILedgerTypes.PayoutStatus) {
        if (payoutId == 0 || payoutId > $.lastPayoutId) return ILedgerTypes.PayoutStatus.None;
        uint256 bits = ($.payoutResults[payoutId >> 7] >> ((payoutId & 127) * 2)) & 3;
        if (bits == RESULT_PAID) return ILedgerTypes.PayoutStatus.Paid;
        if (bits == RESULT_FAILED) return ILedgerTypes.PayoutStatus.Failed;
        return ILedgerTypes.PayoutStatus.Settled;
    }

    function _qualifies(ILedgerTypes.QualifyingEvent qualifyingEvent, bool personal) private pure returns (bool) {
        if (
            qualifyingEvent == ILedgerTypes.QualifyingEvent.Retirement ||
            qualifyingEvent == ILedgerTypes.QualifyingEvent.LossOfWorkCapacity ||
            qualifyingEvent == ILedgerTypes.QualifyingEvent.Emigration
        ) return true;
        // Serious illness, long unemployment, minimum living allowance: personal pension only. Death: heirs.
        return personal && qualifyingEvent >= ILedgerTypes.QualifyingEvent.SeriousIllness;
    }

    function _modeValid(ILedgerTypes.PayoutMode mode, uint256 parameter) private pure returns (bool) {
        if (mode == ILedgerTypes.PayoutMode.Monthly) return parameter >= 1 && parameter <= MAX_MONTHS;
        if (mode == ILedgerTypes.PayoutMode.FixedInstalment) return parameter > 0 && parameter <= type(uint64).max;
        if (mode == ILedgerTypes.PayoutMode.LumpSum) return parameter == 0;
        return false;
    }
}
