// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {ILedgerTypes} from "../interfaces/ILedgerTypes.sol";
import {LedgerStorage} from "./LedgerStorage.sol";
import {VestingLogic} from "./VestingLogic.sol";

/// @title Accounts and plans: opening, enrolment, leaving, legal hold, and the account view
library AccountLogic {
    uint8 internal constant NONE = uint8(ILedgerTypes.AccountStatus.None);
    uint8 internal constant ACTIVE = uint8(ILedgerTypes.AccountStatus.Active);
    uint8 internal constant FROZEN = uint8(ILedgerTypes.AccountStatus.Frozen);
    uint8 internal constant PAYING_OUT = uint8(ILedgerTypes.AccountStatus.PayingOut);

    function openPersonalAccount(
        LedgerStorage.Layout storage $,
        bytes32 member,
        bytes32 bankAccountHash
    ) external returns (bytes32 id) {
        if (member == bytes32(0)) revert IPensionLedger.ZeroValue("member");
        if (bankAccountHash == bytes32(0)) revert IPensionLedger.ZeroValue("bankAccountHash");
        id = LedgerStorage.accountIdOf(member, bytes32(0));
        LedgerStorage.Account storage account = $.accounts[id];
        if (account.ledger != 0) revert IPensionLedger.AccountAlreadyOpen(member);
        _checkAlive($, member);
        account.ledger = ACTIVE; // kind PersonalPension = 0
        account.member = member;
        account.bankAccountHash = bankAccountHash;
        $.memberAccounts[member].push(id);
        ++$.accountCount;
        emit IPensionLedger.PersonalAccountOpened(id, member, bankAccountHash);
    }

    function createPlan(
        LedgerStorage.Layout storage $,
        bytes32 plan,
        bytes32 employer,
        uint16[] calldata vestingBpsByYear
    ) external {
        if (plan == bytes32(0)) revert IPensionLedger.ZeroValue("plan");
        if (employer == bytes32(0)) revert IPensionLedger.ZeroValue("employer");
        LedgerStorage.Plan storage p = $.plans[plan];
        if (p.exists) revert IPensionLedger.PlanAlreadyExists(plan);
        (uint128 packed, uint8 steps) = VestingLogic.pack(vestingBpsByYear);
        p.employer = employer;
        p.schedule = packed;
        p.steps = steps;
        p.exists = true;
        emit IPensionLedger.PlanCreated(plan, employer, vestingBpsByYear);
    }

    function enrolMember(
        LedgerStorage.Layout storage $,
        bytes32 plan,
        bytes32 member,
        uint64 serviceStart
    ) external returns (bytes32 id) {
        if (!$.plans[plan].exists) revert IPensionLedger.PlanNotFound(plan);
        if (member == bytes32(0)) revert IPensionLedger.ZeroValue("member");
        if (serviceStart == 0 || serviceStart > block.timestamp) {
            revert IPensionLedger.ParameterInvalid("serviceStart", serviceStart);
        }
        id = LedgerStorage.accountIdOf(member, plan);
        LedgerStorage.Account storage account = $.accounts[id];
        if (account.ledger != 0) revert IPensionLedger.AlreadyEnrolled(plan, member);
        _checkAlive($, member);
        account.ledger = ACTIVE | (uint256(uint8(ILedgerTypes.PlanKind.EnterpriseAnnuity)) << LedgerStorage.KIND_SHIFT);
        account.member = member;
        account.plan = plan;
        account.serviceStart = serviceStart;
        $.memberAccounts[member].push(id);
        ++$.accountCount;
        emit IPensionLedger.MemberEnrolled(id, plan, member, serviceStart);
    }

    function recordLeaving(LedgerStorage.Layout storage $, bytes32 plan, bytes32 member, uint64 leftAt) external {
        LedgerStorage.Plan storage p = $.plans[plan];
        if (!p.exists) revert IPensionLedger.PlanNotFound(plan);
        bytes32 id = LedgerStorage.accountIdOf(member, plan);
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint8 status = LedgerStorage.statusOf(word);
        if (status == NONE) revert IPensionLedger.AccountNotFound(id);
        if (status != ACTIVE) revert IPensionLedger.AccountStatusInvalid(id, ILedgerTypes.AccountStatus(status));
        uint256 flags = LedgerStorage.flagsOf(word);
        if (flags & LedgerStorage.FLAG_LEFT != 0) revert IPensionLedger.MemberLeftPlan(plan, member);
        if (leftAt > block.timestamp || leftAt < account.serviceStart) {
            revert IPensionLedger.ParameterInvalid("leftAt", leftAt);
        }

        leave($, p, id, account, word, leftAt);
    }

    /// @notice Emigration does not vest the employer part (企业年金办法 art. 24: only retirement age, loss of work
    /// capacity or death do): before an emigration payout starts, an active annuity member who has not left yet
    /// leaves at block time, forfeiting the unvested part. Anything else is left to the payout's own checks (the
    /// ledger calls this just before PayoutLogic.startPayout, in the same transaction).
    function leaveOnEmigration(LedgerStorage.Layout storage $, bytes32 id) external {
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        if (
            LedgerStorage.statusOf(word) != ACTIVE ||
            LedgerStorage.kindOf(word) != uint8(ILedgerTypes.PlanKind.EnterpriseAnnuity) ||
            LedgerStorage.flagsOf(word) & (LedgerStorage.FLAG_LEFT | LedgerStorage.FLAG_DECEASED) != 0
        ) return;
        leave($, $.plans[account.plan], id, account, word, uint64(block.timestamp));
    }

    /// @notice Records the member's leaving at `leftAt`: the unvested employer part goes to the plan's forfeiture
    /// account, unless the employer part vests fully (payout started, or retirement, loss of work capacity or death
    /// certified effective by `leftAt`: 企业年金办法 art. 24). Never forfeits more than the balance.
    function leave(
        LedgerStorage.Layout storage $,
        LedgerStorage.Plan storage p,
        bytes32 id,
        LedgerStorage.Account storage account,
        uint256 word,
        uint64 leftAt
    ) internal returns (uint256) {
        uint256 employerPart = account.employerContributions;
        uint256 bps = LedgerStorage.flagsOf(word) & LedgerStorage.FLAG_FULLY_VESTED != 0 ||
            vestsFully($, account.member, leftAt)
            ? VestingLogic.BPS
            : VestingLogic.vestedBps(p.schedule, p.steps, account.serviceStart, leftAt);
        uint256 unvested = employerPart - VestingLogic.vestedAmount(employerPart, bps);
        uint256 balance = LedgerStorage.balanceOf(word);
        // Losses may have taken the balance below the unvested part: never forfeit more than is there.
        uint256 forfeited = unvested < balance ? unvested : balance;

        word = LedgerStorage.withBalance(LedgerStorage.withFlag(word, LedgerStorage.FLAG_LEFT), balance - forfeited);
        account.ledger = word;
        account.forfeitures = uint64(forfeited); // the first and only forfeiture of this account
        account.leftAt = leftAt;
        if (forfeited != 0) {
            p.forfeiturePool += forfeited;
            $.totals.forfeitures += forfeited;
            $.totals.balance -= forfeited;
            $.totals.forfeiturePools += forfeited;
        }
        emit IPensionLedger.MemberLeft(id, leftAt, employerPart - forfeited, forfeited);
        return word;
    }

    /// @notice Whether an attested retirement, loss of work capacity or death, effective by `at`, vests the
    /// member's employer part in full.
    function vestsFully(LedgerStorage.Layout storage $, bytes32 member, uint256 at) internal view returns (bool) {
        mapping(uint8 => LedgerStorage.Eligibility) storage e = $.eligibility[member];
        return
            _effectiveBy(e[uint8(ILedgerTypes.QualifyingEvent.Retirement)], at) ||
            _effectiveBy(e[uint8(ILedgerTypes.QualifyingEvent.LossOfWorkCapacity)], at) ||
            _effectiveBy(e[uint8(ILedgerTypes.QualifyingEvent.Death)], at);
    }

    function _effectiveBy(LedgerStorage.Eligibility storage e, uint256 at) private view returns (bool) {
        return e.active && e.effectiveDate <= at;
    }

    function freezeAccount(LedgerStorage.Layout storage $, bytes32 id, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert IPensionLedger.ZeroValue("reasonCode");
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint8 status = LedgerStorage.statusOf(word);
        if (status == NONE) revert IPensionLedger.AccountNotFound(id);
        if (status != ACTIVE && status != PAYING_OUT) {
            revert IPensionLedger.AccountStatusInvalid(id, ILedgerTypes.AccountStatus(status));
        }
        account.frozenFrom = status;
        account.ledger = LedgerStorage.withStatus(word, FROZEN);
        emit IPensionLedger.AccountStatusChanged(
            id,
            ILedgerTypes.AccountStatus(status),
            ILedgerTypes.AccountStatus.Frozen,
            reasonCode
        );
    }

    function unfreezeAccount(LedgerStorage.Layout storage $, bytes32 id, bytes32 reasonCode) external {
        if (reasonCode == bytes32(0)) revert IPensionLedger.ZeroValue("reasonCode");
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint8 status = LedgerStorage.statusOf(word);
        if (status == NONE) revert IPensionLedger.AccountNotFound(id);
        if (status != FROZEN) revert IPensionLedger.AccountStatusInvalid(id, ILedgerTypes.AccountStatus(status));
        uint8 to = account.frozenFrom;
        account.ledger = LedgerStorage.withStatus(word, to);
        emit IPensionLedger.AccountStatusChanged(
            id,
            ILedgerTypes.AccountStatus.Frozen,
            ILedgerTypes.AccountStatus(to),
            reasonCode
        );
    }

    function getAccount(
        LedgerStorage.Layout storage $,
        bytes32 id
    ) external view returns (ILedgerTypes.AccountView memory v) {
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        if (word == 0) revert IPensionLedger.AccountNotFound(id);
        v.member = account.member;
        v.plan = account.plan;
        v.kind = ILedgerTypes.PlanKind(LedgerStorage.kindOf(word));
        v.status = ILedgerTypes.AccountStatus(LedgerStorage.statusOf(word));
        v.bankAccountHash = account.bankAccountHash;
        v.contributions = LedgerStorage.contributionsOf(word);
        v.employerContributions = account.employerContributions;
        v.investmentReturns = account.investmentReturns;
        v.tax = payoutPhase(account, word) ? LedgerStorage.taxOf(word) : 0;
        v.forfeitures = account.forfeitures;
        v.balance = LedgerStorage.balanceOf(word);
        // Conservation: payouts are what left the balance other than tax and forfeitures.
        v.payouts = uint256(
            int256(v.contributions + v.employerContributions) + v.investmentReturns -
                int256(v.forfeitures + v.tax + v.balance)
        );
        if (v.kind == ILedgerTypes.PlanKind.EnterpriseAnnuity) {
            uint256 held = v.employerContributions - v.forfeitures;
            uint256 flags = LedgerStorage.flagsOf(word);
            if (
                flags & (LedgerStorage.FLAG_FULLY_VESTED | LedgerStorage.FLAG_LEFT) == 0 &&
                !vestsFully($, account.member, block.timestamp)
            ) {
                LedgerStorage.Plan storage p = $.plans[account.plan];
                uint256 bps = VestingLogic.vestedBps(p.schedule, p.steps, account.serviceStart, block.timestamp);
                v.employerUnvested = held - VestingLogic.vestedAmount(held, bps);
            }
            v.employerVested = held - v.employerUnvested;
        }
    }

    /// @notice Whether the account's packed word holds payout-phase fields (see LedgerStorage).
    function payoutPhase(LedgerStorage.Account storage account, uint256 word) internal view returns (bool) {
        uint8 status = LedgerStorage.statusOf(word);
        if (status == FROZEN) status = account.frozenFrom;
        return status > FROZEN; // PayingOut or Closed
    }

    function _checkAlive(LedgerStorage.Layout storage $, bytes32 member) private view {
        if ($.eligibility[member][uint8(ILedgerTypes.QualifyingEvent.Death)].active) {
            revert IPensionLedger.MemberDeceased(member);
        }
    }
}
