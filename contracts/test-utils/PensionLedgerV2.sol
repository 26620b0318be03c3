// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PensionLedger} from "../PensionLedger.sol";

/// @title A next version of the ledger, for the upgrade test only: same storage, one new function
contract PensionLedgerV2 is PensionLedger {
    /// @notice The version of the ledger's logic.
    function version() external pure returns (uint256) {
        return 2;
    }
}
