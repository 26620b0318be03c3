// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {LedgerStorage} from "./LedgerStorage.sol";

/// @title Role separation and scheduled upgrades: the ledger's bookkeeping of both
/// @notice An address holds at most one institution's role (the operator's DEFAULT_ADMIN_ROLE and OPERATOR_ROLE
/// count as one); a role is granted only to an address a holder of that role nominated; an upgrade is executable
/// only to the scheduled implementation, UPGRADE_DELAY after it was scheduled. The access checks themselves
/// (who may nominate, grant, schedule, upgrade) are the ledger's `onlyRole` modifiers.
library GovernanceLogic {
    /// @notice Time between {scheduleUpgrade} and the earliest upgrade to that implementation.
    uint256 internal constant UPGRADE_DELAY = 2 days;

    /// @notice Records that `account` holds `institution`'s role, or reverts if it holds another's.
    function claimInstitution(LedgerStorage.Layout storage $, address account, bytes32 institution) external {
        bytes32 held = $.institutionRoleOf[account];
        if (held != bytes32(0) && held != institution) revert IPensionLedger.InstitutionRoleConflict(account, held);
        $.institutionRoleOf[account] = institution;
    }

    /// @notice Frees `account` for another institution (it no longer holds any of its institution's roles).
    function releaseInstitution(LedgerStorage.Layout storage $, address account) external {
        delete $.institutionRoleOf[account];
    }

    function nominate(LedgerStorage.Layout storage $, bytes32 role, address account) external {
        if (account == address(0)) revert IPensionLedger.ZeroValue("account");
        $.roleNominations[role][account] = true;
        emit IPensionLedger.RoleMemberNominated(role, account, msg.sender);
    }

    /// @notice Uses up the nomination of `account` for `role`, or reverts if there is none.
    function useNomination(LedgerStorage.Layout storage $, bytes32 role, address account) external {
        if (!$.roleNominations[role][account]) revert IPensionLedger.RoleGrantNotNominated(role, account);
        delete $.roleNominations[role][account];
    }

    function scheduleUpgrade(LedgerStorage.Layout storage $, address implementation) external {
        if (implementation == address(0)) revert IPensionLedger.ZeroValue("implementation");
        uint64 readyAt = uint64(block.timestamp + UPGRADE_DELAY);
        $.scheduledImplementation = implementation;
        $.upgradeReadyAt = readyAt;
        emit IPensionLedger.UpgradeScheduled(implementation, readyAt);
    }

    /// @notice Uses up the schedule of an upgrade to `implementation`, or reverts if it is not the scheduled one
    /// or its delay has not passed.
    function useUpgrade(LedgerStorage.Layout storage $, address implementation) external {
        address scheduled = $.scheduledImplementation;
        if (scheduled == address(0) || implementation != scheduled) {
            revert IPensionLedger.UpgradeNotScheduled(implementation, scheduled);
        }
        uint64 readyAt = $.upgradeReadyAt;
        if (block.timestamp < readyAt) revert IPensionLedger.UpgradeNotReady(implementation, readyAt, uint64(block.timestamp));
        delete $.scheduledImplementation;
        delete $.upgradeReadyAt;
    }
}
