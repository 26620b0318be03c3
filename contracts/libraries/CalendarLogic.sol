// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title China Standard Time calendar arithmetic (UTC+8, proleptic Gregorian)
/// @notice Civil dates from unix seconds and back, after Howard Hinnant's `civil_from_days` / `days_from_civil`.
library CalendarLogic {
    uint256 internal constant CST_OFFSET = 8 hours;

    /// @notice The CST calendar date of a unix time.
    function cstDate(uint256 t) internal pure returns (uint256 year, uint256 month, uint256 day) {
        unchecked {
            // All terms are small non-negative integers for any t < 2^64: no overflow or underflow.
            uint256 z = (t + CST_OFFSET) / 1 days + 719468;
            uint256 era = z / 146097;
            uint256 doe = z - era * 146097;
            uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            uint256 mp = (5 * doy + 2) / 153;
            day = doy - (153 * mp + 2) / 5 + 1;
            month = mp < 10 ? mp + 3 : mp - 9;
            year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        }
    }

    /// @notice The CST calendar year of a unix time.
    function cstYear(uint256 t) internal pure returns (uint256 year) {
        (year, , ) = cstDate(t);
    }

    /// @notice Months since year 0 of the CST month of `t` (year × 12 + month − 1).
    function cstMonthIndex(uint256 t) internal pure returns (uint256) {
        (uint256 year, uint256 month, ) = cstDate(t);
        return year * 12 + month - 1;
    }

    /// @notice Unix time of 1 January 00:00 CST of `year` (0 for years that start before the unix epoch).
    function cstYearStart(uint256 year) internal pure returns (uint256) {
        if (year <= 1970) return 0;
        unchecked {
            // year > 1970, so y ≥ 1970 and every term is non-negative and small.
            uint256 y = year - 1; // January counts as month 13 of the previous year
            uint256 era = y / 400;
            uint256 yoe = y - era * 400;
            uint256 doy = 306; // (153 × (1 + 9) + 2) / 5 for January 1st
            uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            uint256 daysSinceEpoch = era * 146097 + doe - 719468;
            return daysSinceEpoch * 1 days - CST_OFFSET;
        }
    }

    /// @notice Full years of service from `start` to `at`, counted on CST calendar anniversaries.
    function fullYearsBetween(uint256 start, uint256 at) internal pure returns (uint256) {
        if (at <= start) return 0;
        (uint256 y1, uint256 m1, uint256 d1) = cstDate(start);
        (uint256 y2, uint256 m2, uint256 d2) = cstDate(at);
        // at > start, so y2 ≥ y1; an anniversary not yet reached this year takes one off.
        uint256 years_ = y2 - y1;
        if (years_ > 0 && (m2 < m1 || (m2 == m1 && d2 < d1))) years_ -= 1;
        return years_;
    }
}
