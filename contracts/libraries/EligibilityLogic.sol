// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {ILedgerTypes} from "../interfaces/ILedgerTypes.sol";
import {LedgerStorage} from "./LedgerStorage.sol";

/// @title Qualifying events certified by the social-security bureau
library EligibilityLogic {
    /// @notice 2025-09-01 00:00 CST: serious illness, long unemployment and minimum living allowance qualify
    /// (personal pension only) from this date on.
    uint256 internal constant PERSONAL_EVENTS_FROM = 1756656000;
    uint8 internal constant DEATH = uint8(ILedgerTypes.QualifyingEvent.Death);

    function recordEligibility(
        LedgerStorage.Layout storage $,
        bytes32 member,
        ILedgerTypes.QualifyingEvent qualifyingEvent,
        uint64 effectiveDate,
        bytes32 evidenceHash
    ) external {
        if (member == bytes32(0)) revert IPensionLedger.ZeroValue("member");
        if (
            qualifyingEvent == ILedgerTypes.QualifyingEvent.None ||
            effectiveDate == 0 ||
            effectiveDate > block.timestamp ||
            (qualifyingEvent >= ILedgerTypes.QualifyingEvent.SeriousIllness && effectiveDate < PERSONAL_EVENTS_FROM)
        ) revert IPensionLedger.EligibilityInvalid(member, qualifyingEvent, effectiveDate);
        if (evidenceHash == bytes32(0)) revert IPensionLedger.ZeroValue("evidenceHash");
        LedgerStorage.Eligibility storage e = $.eligibility[member][uint8(qualifyingEvent)];
        if (e.active) revert IPensionLedger.EligibilityAlreadyRecorded(member, qualifyingEvent);

        e.active = true;
        e.inUse = false;
        e.effectiveDate = effectiveDate;
        e.evidenceHash = evidenceHash;
        if (uint8(qualifyingEvent) == DEATH) _markDeceased($, member, true);
        emit IPensionLedger.EligibilityRecorded(member, qualifyingEvent, effectiveDate, evidenceHash);
    }

    function revokeEligibility(
        LedgerStorage.Layout storage $,
        bytes32 member,
        ILedgerTypes.QualifyingEvent qualifyingEvent,
        bytes32 reason
    ) external {
        if (reason == bytes32(0)) revert IPensionLedger.ZeroValue("reason");
        LedgerStorage.Eligibility storage e = $.eligibility[member][uint8(qualifyingEvent)];
        if (!e.active) revert IPensionLedger.EligibilityNotFound(member, qualifyingEvent);
        if (e.inUse) revert IPensionLedger.EligibilityInUse(member, qualifyingEvent);

        delete $.eligibility[member][uint8(qualifyingEvent)];
        if (uint8(qualifyingEvent) == DEATH) _markDeceased($, member, false);
        emit IPensionLedger.EligibilityRevoked(member, qualifyingEvent, reason);
    }

    /// @dev Death stops contributions to every account of the member: a flag in each account's packed word,
    /// so the contribution path reads nothing more.
    function _markDeceased(LedgerStorage.Layout storage $, bytes32 member, bool deceased) private {
        bytes32[] storage ids = $.memberAccounts[member];
        uint256 n = ids.length;
        for (uint256 i; i < n; ++i) {
            LedgerStorage.Account storage account = $.accounts[ids[i]];
            uint256 word = account.ledger;
            account.ledger = deceased
                ? LedgerStorage.withFlag(word, LedgerStorage.FLAG_DECEASED)
                : LedgerStorage.withoutFlag(word, LedgerStorage.FLAG_DECEASED);
        }
    }
}
