// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Reference point for the gas benchmark: OpenZeppelin ERC20 minting to many holders in one transaction
/// @notice Test utility only; never deployed outside benchmarks.
contract BenchToken is ERC20 {
    constructor() ERC20("Bench Token", "BENCH") {}

    /// @notice Mints amounts[i] to holders[i] with OpenZeppelin's `_mint` (one Transfer event each).
    function mintBatch(address[] calldata holders, uint256[] calldata amounts) external {
        for (uint256 i; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
        }
    }
}
