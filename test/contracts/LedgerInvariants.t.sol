// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {PensionLedger} from "../../contracts/PensionLedger.sol";
import {IPensionLedger} from "../../contracts/interfaces/IPensionLedger.sol";
import {ILedgerTypes} from "../../contracts/interfaces/ILedgerTypes.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test-utils/Vm.sol";

/// @title Property tests of the ledger: conservation of money, the annual cap, a bank reference credits once
/// @notice The test contract is the bank and calls the ledger directly; the other institutions have their own
/// addresses (an address holds one institution's role only) and are impersonated with `prank`.
contract LedgerInvariantsTest {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant CAP = 1_200_000;
    /// @dev 2026-12-03 10:00 CST.
    uint256 internal constant START = 1_796_263_200;

    address internal constant OPERATOR = address(0x0A11);
    address internal constant BUREAU = address(0x0A12);
    address internal constant TAX = address(0x0A13);
    address internal constant INVESTMENT = address(0x0A14);
    address internal constant KEEPER = address(0x0A15);

    PensionLedger internal ledger;
    bytes32[3] internal members;
    bytes32[3] internal accounts;

    function setUp() public {
        VM.warp(START);
        PensionLedger implementation = new PensionLedger();
        address me = address(this);
        bytes memory init = abi.encodeCall(PensionLedger.initialize, (OPERATOR, me, BUREAU, TAX, INVESTMENT, KEEPER));
        ledger = PensionLedger(address(new ERC1967Proxy(address(implementation), init)));
        for (uint256 i; i < 3; ++i) {
            members[i] = keccak256(abi.encode("member", i));
            accounts[i] = ledger.openPersonalAccount(members[i], keccak256(abi.encode("card", i)));
        }
    }

    /// @notice Whatever amounts the bank sends, a member's contributions in a year never exceed the cap, and every
    /// rejection is the cap error with the exact room left.
    function testFuzz_capNeverExceeded(uint64[8] calldata amounts) public {
        uint256 accepted;
        for (uint256 i; i < amounts.length; ++i) {
            uint256 amount = 1 + (uint256(amounts[i]) % (CAP / 2));
            bytes32 bankRef = keccak256(abi.encode("cap", i));
            try ledger.contribute(bankRef, members[0], uint64(amount), uint64(block.timestamp - 1)) {
                accepted += amount;
            } catch (bytes memory reason) {
                VM.assertTrue(accepted + amount > CAP, "rejected although under the cap");
                bytes memory expected = abi.encodeWithSelector(
                    IPensionLedger.ContributionExceedsAnnualCap.selector,
                    members[0],
                    amount,
                    CAP - accepted
                );
                VM.assertTrue(keccak256(reason) == keccak256(expected), "wrong error or arguments");
            }
        }
        (uint256 contributed, uint256 remaining) = ledger.contributionsInYear(members[0], 2026);
        VM.assertLe(contributed, CAP, "cap exceeded");
        VM.assertEq(contributed, accepted, "contributed differs from what was accepted");
        VM.assertEq(remaining, CAP - accepted, "room left is wrong");
    }

    /// @notice A bank reference credits once: a resend, as a single contribution or in a batch, is rejected.
    function testFuzz_bankReferenceCreditsOnce(bytes32 bankRef, uint64 rawAmount) public {
        VM.assume(bankRef != bytes32(0));
        uint64 amount = uint64(1 + (uint256(rawAmount) % CAP));
        uint64 bookedAt = uint64(block.timestamp - 1);
        ledger.contribute(bankRef, members[1], amount, bookedAt);

        VM.expectRevert(abi.encodeWithSelector(IPensionLedger.BankReferenceAlreadyUsed.selector, bankRef));
        ledger.contribute(bankRef, members[2], 1, bookedAt);

        ILedgerTypes.PersonalContribution[] memory items = new ILedgerTypes.PersonalContribution[](1);
        items[0] = ILedgerTypes.PersonalContribution(members[2], 1, bookedAt);
        VM.expectRevert(abi.encodeWithSelector(IPensionLedger.BankReferenceAlreadyUsed.selector, bankRef));
        ledger.contributeBatch(bankRef, items);

        VM.assertEq(ledger.getAccount(accounts[1]).balance, amount, "credited other than once");
        VM.assertEq(ledger.getAccount(accounts[2]).balance, 0, "a replay credited another member");
        VM.assertEq(ledger.systemTotals().contributions, amount, "system contributions");
    }

    /// @notice After any mix of contributions, returns and losses, payouts with tax and failed payments, every
    /// account and the whole system satisfy balance = contributions + returns − payouts − tax − forfeitures.
    function testFuzz_conservation(
        uint64[6] calldata amounts,
        int64[3] calldata results,
        uint8 months,
        bool failLumpSum
    ) public {
        uint64 bookedAt = uint64(block.timestamp - 1);
        ILedgerTypes.PersonalContribution[] memory items = new ILedgerTypes.PersonalContribution[](6);
        for (uint256 i; i < 6; ++i) {
            items[i] = ILedgerTypes.PersonalContribution(members[i % 3], uint64(1 + (uint256(amounts[i]) % (CAP / 2))), bookedAt);
        }
        ledger.contributeBatch("batch", items);

        ILedgerTypes.ReturnCredit[] memory credits = new ILedgerTypes.ReturnCredit[](3);
        for (uint256 i; i < 3; ++i) {
            int256 balance = int256(ledger.getAccount(accounts[i]).balance);
            // Any loss down to the whole balance, or a gain up to 100,000 fen; never zero.
            int256 delta = (int256(results[i]) % (balance + 100_000));
            if (delta < -balance) delta = -balance;
            if (delta == 0) delta = 1;
            credits[i] = ILedgerTypes.ReturnCredit(accounts[i], int64(delta));
        }
        VM.prank(INVESTMENT);
        ledger.creditReturns("returns", credits);

        VM.prank(BUREAU);
        ledger.recordEligibility(members[0], ILedgerTypes.QualifyingEvent.Retirement, bookedAt, "evidence");
        VM.prank(BUREAU);
        ledger.recordEligibility(members[1], ILedgerTypes.QualifyingEvent.SeriousIllness, bookedAt, "evidence");
        ledger.startPayout(accounts[0], ILedgerTypes.QualifyingEvent.Retirement, ILedgerTypes.PayoutMode.Monthly, 1 + (months % 24));
        ledger.startPayout(accounts[1], ILedgerTypes.QualifyingEvent.SeriousIllness, ILedgerTypes.PayoutMode.LumpSum, 0);
        uint256 lumpSum = ledger.getAccount(accounts[1]).balance;
        uint256 firstGross = ledger.getAccount(accounts[0]).balance / (1 + (months % 24));
        bytes32[] memory ids = new bytes32[](2);
        (ids[0], ids[1]) = (accounts[0], accounts[1]);
        VM.prank(KEEPER);
        uint64 runId = ledger.settlePayouts("run", ids);

        if (failLumpSum && lumpSum > 0 && firstGross > 0) {
            ILedgerTypes.Payout memory first = _payout(1, accounts[0], members[0], firstGross);
            ILedgerTypes.Payout memory second = _payout(2, accounts[1], members[1], lumpSum);
            ILedgerTypes.PayoutResult[] memory report = new ILedgerTypes.PayoutResult[](1);
            bytes32[] memory proof = new bytes32[](1);
            proof[0] = _leaf(first);
            report[0] = ILedgerTypes.PayoutResult(runId, second, proof, false);
            ledger.reportPayoutResults(report);
            VM.assertEq(ledger.getAccount(accounts[1]).balance, lumpSum, "failed payout not returned");
        }

        ILedgerTypes.SystemTotals memory totals = ledger.systemTotals();
        uint256 sumOfBalances;
        for (uint256 i; i < 3; ++i) {
            ILedgerTypes.AccountView memory a = ledger.getAccount(accounts[i]);
            _assertConserved(a.contributions + a.employerContributions, a.investmentReturns, a.payouts + a.tax + a.forfeitures, a.balance);
            sumOfBalances += a.balance;
        }
        VM.assertEq(sumOfBalances, totals.balance, "system balance differs from the sum of accounts");
        _assertConserved(
            totals.contributions + totals.employerContributions,
            totals.investmentReturns,
            totals.payouts + totals.tax + totals.forfeitures,
            totals.balance
        );
    }

    function _payout(uint64 id, bytes32 accountId, bytes32 payee, uint256 gross) private pure returns (ILedgerTypes.Payout memory) {
        uint256 tax = (gross * 300 + 5_000) / 10_000;
        return ILedgerTypes.Payout(id, accountId, payee, uint64(gross), uint64(tax), uint64(gross - tax));
    }

    function _leaf(ILedgerTypes.Payout memory p) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(p.payoutId, p.accountId, p.payee, p.gross, p.tax, p.net))));
    }

    function _assertConserved(uint256 inflows, int256 returns_, uint256 outflows, uint256 balance) private pure {
        VM.assertEq(int256(balance), int256(inflows) + returns_ - int256(outflows), "conservation broken");
    }
}
