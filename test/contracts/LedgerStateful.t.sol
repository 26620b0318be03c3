// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {PensionLedger} from "../../contracts/PensionLedger.sol";
import {ILedgerTypes} from "../../contracts/interfaces/ILedgerTypes.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test-utils/Vm.sol";

/// @title Random sequences of bank and investment-manager operations, driven by the invariant fuzzer
contract LedgerHandler {
    Vm internal constant VM = Vm(VM_ADDRESS);
    uint256 internal constant CAP = 1_200_000;
    /// @dev The investment manager's address (the handler itself is the bank: one institution role per address).
    address internal constant INVESTMENT = address(0x0A14);

    PensionLedger public ledger;
    bytes32[4] public members;
    bytes32[4] public accounts;
    uint256 public references;
    uint256 public credited; // sum of every contribution the ledger accepted

    /// @notice Binds the ledger that granted this handler its roles and opens four accounts (later calls: no-op).
    function bind(PensionLedger ledger_) external {
        if (address(ledger) != address(0)) return;
        ledger = ledger_;
        for (uint256 i; i < 4; ++i) {
            members[i] = keccak256(abi.encode("member", i));
            accounts[i] = ledger.openPersonalAccount(members[i], keccak256(abi.encode("card", i)));
        }
    }

    /// @notice Any contribution, possibly over the cap or resending an old reference.
    function contribute(uint256 who, uint256 amount, bool resend) external {
        uint256 index = who % 4;
        amount = 1 + (amount % CAP);
        bytes32 bankRef = resend && references > 0 ? bytes32(references) : bytes32(++references);
        try ledger.contribute(bankRef, members[index], uint64(amount), uint64(block.timestamp - 1)) {
            credited += amount;
        } catch {} // rejected whole: cap, or a reference used before
    }

    /// @notice A return or a loss on one account, never below zero.
    function creditReturns(uint256 who, int256 amount) external {
        bytes32 id = accounts[who % 4];
        int256 balance = int256(ledger.getAccount(id).balance);
        amount = amount % 1_000_000;
        if (amount < -balance) amount = -balance;
        if (amount == 0) return;
        ILedgerTypes.ReturnCredit[] memory items = new ILedgerTypes.ReturnCredit[](1);
        items[0] = ILedgerTypes.ReturnCredit(id, int64(amount));
        VM.prank(INVESTMENT);
        ledger.creditReturns(bytes32(++references), items);
    }

    /// @notice Time passes (up to about two months), so contributions fall into new CST years over a long run.
    function wait(uint256 secondsAhead) external {
        VM.warp(block.timestamp + 1 + (secondsAhead % 60 days));
    }
}

/// @title Invariants of the ledger under random operation sequences
contract LedgerStatefulTest {
    /// @dev 2026-12-03 10:00 CST.
    uint256 internal constant START = 1_796_263_200;
    uint256 internal constant CAP = 1_200_000;

    PensionLedger internal ledger;
    LedgerHandler internal handler;

    function setUp() public {
        Vm(VM_ADDRESS).warp(START);
        PensionLedger implementation = new PensionLedger();
        handler = new LedgerHandler();
        address h = address(handler);
        bytes memory init = abi.encodeCall(PensionLedger.initialize, (address(0x0A11), h, address(0x0A12), address(0x0A13), address(0x0A14), address(0x0A15)));
        ledger = PensionLedger(address(new ERC1967Proxy(address(implementation), init)));
        handler.bind(ledger);
    }

    /// @dev Read by the invariant runner (as forge-std's StdInvariant does): only the handler is called at random.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Money is conserved: the accounts' balances sum to the system balance, and the system identity holds.
    function invariant_conservation() public view {
        ILedgerTypes.SystemTotals memory t = ledger.systemTotals();
        uint256 sum;
        for (uint256 i; i < 4; ++i) sum += ledger.getAccount(handler.accounts(i)).balance;
        require(sum == t.balance, "balances do not sum to the system balance");
        require(
            int256(t.balance) ==
                int256(t.contributions + t.employerContributions) + t.investmentReturns - int256(t.payouts + t.tax + t.forfeitures),
            "system conservation broken"
        );
        require(t.contributions == handler.credited(), "contributions differ from what was accepted");
    }

    /// @notice No member ever has more than the cap in any CST year the run can reach.
    function invariant_capNeverExceeded() public view {
        for (uint256 i; i < 4; ++i) {
            for (uint16 year = 2026; year <= 2036; ++year) {
                (uint256 contributed, ) = ledger.contributionsInYear(handler.members(i), year);
                require(contributed <= CAP, "annual cap exceeded");
            }
        }
    }
}
