// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Shared types of the pension ledger
/// @notice Amounts are integer fen (1 yuan = 100 fen). Times are unix seconds (UTC); calendar years are taken
/// in China Standard Time (UTC+8). Members are pseudonyms: HMAC-SHA256 of the resident ID number, computed by
/// the gateway with a key that never leaves it. No personal data is ever passed to or stored by these contracts.
interface ILedgerTypes {
    /// @notice The two pension products.
    enum PlanKind {
        PersonalPension, // 个人养老金
        EnterpriseAnnuity // 企业年金
    }

    /// @notice Lifecycle of an account. None → Active → (Frozen ⇄ Active) → PayingOut → Closed.
    /// A Frozen account accepts nothing and pays nothing until unfrozen. A PayingOut account accepts no
    /// contributions. A Closed account accepts nothing.
    enum AccountStatus {
        None,
        Active,
        Frozen,
        PayingOut,
        Closed
    }

    /// @notice Qualifying events certified by the social-security bureau. The last three apply to personal
    /// pension only (in force since 2025-09-01).
    enum QualifyingEvent {
        None,
        Retirement,
        LossOfWorkCapacity,
        Emigration,
        Death,
        SeriousIllness,
        LongUnemployment,
        MinimumLivingAllowance
    }

    /// @notice How a member takes the balance out.
    /// Monthly: the balance spread over N months (N from the official months-divisor table, chosen off chain),
    /// each instalment = remaining balance / remaining months, rounded down, the last one takes the rest.
    /// FixedInstalment: a fixed gross amount each month until the balance is exhausted (the last takes the rest).
    /// LumpSum: the whole balance at the next settlement.
    enum PayoutMode {
        None,
        Monthly,
        FixedInstalment,
        LumpSum
    }

    /// @notice What the bank said about a settled payout.
    enum PayoutStatus {
        None,
        Settled,
        Paid,
        Failed
    }

    /// @notice One personal-pension contribution: money booked by the bank from the member's bound card.
    struct PersonalContribution {
        bytes32 member;
        uint64 amount; // fen, > 0
        uint64 bookedAt; // the bank's booking time, unix seconds; its CST calendar year is the cap year
    }

    /// @notice One line of an employer's monthly enterprise-annuity payroll batch.
    struct AnnuityContribution {
        bytes32 member;
        uint64 wageBase; // fen
        uint64 employerAmount; // fen, ≤ employer limit (8 %) of wageBase
        uint64 employeeAmount; // fen, employer + employee ≤ total limit (12 %) of wageBase
    }

    /// @notice One investment result for one account: a return (positive) or a loss (negative), in fen.
    struct ReturnCredit {
        bytes32 accountId;
        int64 amount;
    }

    /// @notice One heir of a deceased member: an opaque reference (the gateway's hash of the heir's identity and
    /// card) and a share in basis points; all shares of one inheritance sum to 10,000.
    struct Heir {
        bytes32 heirRef;
        uint16 shareBps;
    }

    /// @notice A settled payout, as committed in the settlement run's Merkle root.
    /// Leaf = keccak256(bytes.concat(keccak256(abi.encode(payoutId, accountId, payee, gross, tax, net)))),
    /// pairs hashed with OpenZeppelin Hashes.commutativeKeccak256, tree built bottom-up over the run's payouts
    /// in payoutId order, an odd last node carried up unchanged.
    struct Payout {
        uint64 payoutId;
        bytes32 accountId;
        bytes32 payee; // the member pseudonym, or an heir's reference
        uint64 gross;
        uint64 tax;
        uint64 net;
    }

    /// @notice The result the bank reports for one payout, with the proof that the payout is in its run.
    struct PayoutResult {
        uint64 runId;
        Payout payout;
        bytes32[] proof;
        bool paid; // true: paid to the card; false: rejected, the money returns to the account
    }

    /// @notice An account and its sub-ledgers. Conservation holds for every account:
    /// balance = contributions + employerContributions + investmentReturns − payouts − tax − forfeitures.
    struct AccountView {
        bytes32 member;
        bytes32 plan; // bytes32(0) for the personal-pension account
        PlanKind kind;
        AccountStatus status;
        bytes32 bankAccountHash; // personal pension only
        uint256 contributions; // personal contributions (personal pension) or employee part (annuity), cumulative
        uint256 employerContributions; // employer part, cumulative
        int256 investmentReturns; // investment returns net of losses, cumulative
        uint256 payouts; // net paid out (failed payouts reversed), cumulative
        uint256 tax; // tax withheld (failed payouts reversed), cumulative
        uint256 forfeitures; // unvested employer part forfeited on leaving, cumulative
        uint256 balance;
        uint256 employerVested; // the employer part of the balance vested today
        uint256 employerUnvested;
    }

    /// @notice The whole system's totals; the same conservation identity holds for them.
    struct SystemTotals {
        uint256 accounts;
        uint256 contributions;
        uint256 employerContributions;
        int256 investmentReturns;
        uint256 payouts;
        uint256 tax;
        uint256 forfeitures;
        uint256 balance; // sum of all account balances (forfeiture pools excluded)
        uint256 forfeiturePools; // sum of the plans' forfeiture accounts
    }
}
