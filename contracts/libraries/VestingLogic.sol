// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {CalendarLogic} from "./CalendarLogic.sol";

/// @title Enterprise-annuity vesting schedules
/// @notice A schedule is 1..8 yearly steps: step i is the vested share (bps) of the employer part after i + 1
/// full years of service, counted on CST calendar anniversaries of the service start. Steps never decrease,
/// and the last is 10,000 (full vesting in at most 8 years). The employee's own part vests at once.
library VestingLogic {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant MAX_STEPS = 8;

    /// @notice Validates a schedule and packs it, 16 bits per step.
    function pack(uint16[] calldata vestingBpsByYear) internal pure returns (uint128 packed, uint8 steps) {
        uint256 n = vestingBpsByYear.length;
        if (n == 0 || n > MAX_STEPS) revert IPensionLedger.VestingScheduleInvalid(n);
        uint256 previous;
        for (uint256 i; i < n; ++i) {
            uint256 bps = vestingBpsByYear[i];
            if (bps > BPS || bps < previous) revert IPensionLedger.VestingScheduleInvalid(i);
            previous = bps;
            packed |= uint128(bps << (16 * i));
        }
        if (previous != BPS) revert IPensionLedger.VestingScheduleInvalid(n - 1);
        steps = uint8(n);
    }

    /// @notice The vested share (bps) of the employer part after service from `serviceStart` to `at`.
    function vestedBps(uint128 packed, uint8 steps, uint256 serviceStart, uint256 at) internal pure returns (uint256) {
        uint256 years_ = CalendarLogic.fullYearsBetween(serviceStart, at);
        if (years_ == 0) return 0;
        if (years_ >= steps) return BPS;
        return (uint256(packed) >> (16 * (years_ - 1))) & 0xffff;
    }

    /// @notice The vested employer amount, rounded down to the fen (the member's vested share never rounds up
    /// past the schedule; the unvested remainder is the forfeiture).
    function vestedAmount(uint256 employerPart, uint256 bps) internal pure returns (uint256) {
        return (employerPart * bps) / BPS;
    }
}
