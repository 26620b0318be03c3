// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {LedgerStorage} from "./LedgerStorage.sol";
import {CalendarLogic} from "./CalendarLogic.sol";

/// @title Policy parameters that take effect from a calendar year on
/// @notice Each parameter is a list of (fromYear, value) entries in increasing year order; the value for a year is
/// that of the last entry whose fromYear ≤ year (none → 0). Setting the same year again replaces that entry;
/// setting a year before the last one set is rejected, so history is never rewritten behind a later rule.
/// The setters are external (a linked library, keeping the ledger's code small); `initial` is true only in
/// `initialize`. After initialisation a change takes effect from the current CST year on at the earliest,
/// and an entry whose year has already started is never replaced ({IPensionLedger.ParameterYearClosed}); a
/// future year's entry may be replaced until that year starts.
library ParameterLogic {
    uint256 internal constant BPS = 10_000;
    /// @notice The highest withdrawal tax rate: 45 %, the top bracket of the individual income tax.
    uint16 internal constant MAX_TAX_RATE_BPS = 4_500;

    /// @notice The defaults from `fromYear` on (initialisation): cap 1,200,000 fen, withdrawal tax 300 bps,
    /// enterprise limits 800 / 1,200 bps.
    function setDefaults(LedgerStorage.Layout storage $, uint16 fromYear) external {
        setAnnualCap($, fromYear, 1_200_000, true);
        setWithdrawalTaxRate($, fromYear, 300, true);
        setEnterpriseLimits($, fromYear, 800, 1_200, true);
    }

    function setAnnualCap(LedgerStorage.Layout storage $, uint16 fromYear, uint64 capFen, bool initial) public {
        if (capFen == 0 || capFen > LedgerStorage.MASK_48) revert IPensionLedger.ParameterInvalid("capFen", capFen);
        uint256 n = $.caps.length;
        _checkYear(fromYear, n == 0 ? 0 : $.caps[n - 1].fromYear, initial);
        if (n > 0 && $.caps[n - 1].fromYear == fromYear) $.caps[n - 1].capFen = capFen;
        else $.caps.push(LedgerStorage.CapEntry(fromYear, capFen));
        emit IPensionLedger.AnnualCapSet(fromYear, capFen);
    }

    function setWithdrawalTaxRate(
        LedgerStorage.Layout storage $,
        uint16 fromYear,
        uint16 rateBps,
        bool initial
    ) public {
        if (rateBps > MAX_TAX_RATE_BPS) {
            revert IPensionLedger.ParameterAboveMaximum("rateBps", rateBps, MAX_TAX_RATE_BPS);
        }
        uint256 n = $.taxRates.length;
        _checkYear(fromYear, n == 0 ? 0 : $.taxRates[n - 1].fromYear, initial);
        if (n > 0 && $.taxRates[n - 1].fromYear == fromYear) $.taxRates[n - 1].rateBps = rateBps;
        else $.taxRates.push(LedgerStorage.RateEntry(fromYear, rateBps));
        emit IPensionLedger.WithdrawalTaxRateSet(fromYear, rateBps);
    }

    function setEnterpriseLimits(
        LedgerStorage.Layout storage $,
        uint16 fromYear,
        uint16 employerBps,
        uint16 totalBps,
        bool initial
    ) public {
        if (totalBps > BPS || totalBps == 0) revert IPensionLedger.ParameterInvalid("totalBps", totalBps);
        if (employerBps > totalBps) revert IPensionLedger.ParameterInvalid("employerBps", employerBps);
        uint256 n = $.limits.length;
        _checkYear(fromYear, n == 0 ? 0 : $.limits[n - 1].fromYear, initial);
        if (n > 0 && $.limits[n - 1].fromYear == fromYear) {
            $.limits[n - 1] = LedgerStorage.LimitsEntry(fromYear, employerBps, totalBps);
        } else {
            $.limits.push(LedgerStorage.LimitsEntry(fromYear, employerBps, totalBps));
        }
        emit IPensionLedger.EnterpriseLimitsSet(fromYear, employerBps, totalBps);
    }

    function annualCap(LedgerStorage.Layout storage $, uint256 year) internal view returns (uint64) {
        for (uint256 i = $.caps.length; i > 0; --i) {
            LedgerStorage.CapEntry storage e = $.caps[i - 1];
            if (e.fromYear <= year) return e.capFen;
        }
        return 0;
    }

    function withdrawalTaxRate(LedgerStorage.Layout storage $, uint256 year) internal view returns (uint16) {
        for (uint256 i = $.taxRates.length; i > 0; --i) {
            LedgerStorage.RateEntry storage e = $.taxRates[i - 1];
            if (e.fromYear <= year) return e.rateBps;
        }
        return 0;
    }

    function enterpriseLimits(
        LedgerStorage.Layout storage $,
        uint256 year
    ) internal view returns (uint16 employerBps, uint16 totalBps) {
        for (uint256 i = $.limits.length; i > 0; --i) {
            LedgerStorage.LimitsEntry storage e = $.limits[i - 1];
            if (e.fromYear <= year) return (e.employerBps, e.totalBps);
        }
        return (0, 0);
    }

    /// @dev `initial`: initialisation (the defaults apply from a past year on).
    function _checkYear(uint16 fromYear, uint16 lastFromYear, bool initial) private view {
        uint256 currentYear = initial ? 0 : CalendarLogic.cstYear(block.timestamp);
        // Years are CST calendar years; 1970 is the first the ledger can ever see.
        if (fromYear < 1970 || fromYear < lastFromYear) revert IPensionLedger.ParameterInvalid("fromYear", fromYear);
        // Never a year that has started, neither as a new entry nor by replacing the one of the current year.
        if (currentYear != 0 && (fromYear < currentYear || (fromYear == currentYear && lastFromYear == fromYear))) {
            revert IPensionLedger.ParameterYearClosed(fromYear, uint16(currentYear));
        }
    }
}
