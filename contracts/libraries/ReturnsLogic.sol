// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPensionLedger} from "../interfaces/IPensionLedger.sol";
import {ILedgerTypes} from "../interfaces/ILedgerTypes.sol";
import {LedgerStorage} from "./LedgerStorage.sol";

/// @title Investment returns and losses, credited per account in batches; no balance ever goes negative
library ReturnsLogic {
    uint256 internal constant MAX_BATCH = 1000;

    function creditReturns(
        LedgerStorage.Layout storage $,
        bytes32 batchRef,
        ILedgerTypes.ReturnCredit[] calldata items
    ) external {
        uint256 n = items.length;
        if (n == 0 || n > MAX_BATCH) revert IPensionLedger.BatchSizeInvalid(n);
        if (batchRef == bytes32(0)) revert IPensionLedger.ZeroValue("batchRef");
        if ($.usedReturnRefs[batchRef]) revert IPensionLedger.ReturnsBatchAlreadyUsed(batchRef);
        $.usedReturnRefs[batchRef] = true;
        int256 total;
        for (uint256 i; i < n; ++i) {
            ILedgerTypes.ReturnCredit calldata item = items[i];
            int256 amount = item.amount;
            bytes memory reason = _credit($, batchRef, item.accountId, amount);
            if (reason.length != 0) revert IPensionLedger.BatchItemInvalid(i, reason);
            // At most MAX_BATCH int64 values: the sum stays far inside int256.
            unchecked {
                total += amount;
            }
        }
        $.totals.investmentReturns += total;
        $.totals.balance = uint256(int256($.totals.balance) + total);
    }

    function _credit(
        LedgerStorage.Layout storage $,
        bytes32 batchRef,
        bytes32 id,
        int256 amount
    ) private returns (bytes memory reason) {
        if (amount == 0) return abi.encodeWithSelector(IPensionLedger.ZeroValue.selector, "amount");
        LedgerStorage.Account storage account = $.accounts[id];
        uint256 word = account.ledger;
        uint256 status = LedgerStorage.statusOf(word);
        // Returns accrue while contributing and while paying out; a frozen or closed account accepts nothing.
        if (
            status != uint8(ILedgerTypes.AccountStatus.Active) &&
            status != uint8(ILedgerTypes.AccountStatus.PayingOut)
        ) {
            if (status == 0) return abi.encodeWithSelector(IPensionLedger.AccountNotFound.selector, id);
            return abi.encodeWithSelector(IPensionLedger.AccountStatusInvalid.selector, id, status);
        }
        uint256 balance = LedgerStorage.balanceOf(word);
        int256 next = int256(balance) + amount;
        if (next < 0) {
            return abi.encodeWithSelector(IPensionLedger.BalanceWouldGoNegative.selector, id, balance, amount);
        }
        account.ledger = LedgerStorage.withBalance(word, uint256(next));
        account.investmentReturns += int64(amount);
        emit IPensionLedger.ReturnCredited(id, batchRef, int64(amount));
        return reason;
    }
}
