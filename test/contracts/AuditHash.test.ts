import { expect } from "chai";
import { network } from "hardhat";
import { CHAIN_START, Event, Mode, cst, deployLedger, latest, openAccount, ref } from "./helpers/ledger.js";

const connection = await network.create({ override: { initialDate: CHAIN_START } });
const { ethers, networkHelpers } = connection;

async function historyFixture() {
  await networkHelpers.time.increaseTo(Math.max(cst(2026, 12, 3, 10), (await latest(ethers)) + 1));
  const l = await deployLedger(connection);
  const [alice, aliceAccount] = await openAccount(l, "alice");
  const [bob] = await openAccount(l, "bob");
  const bookedAt = (await latest(ethers)) - 1;
  await l.asBank.contribute(ref(ethers, "c1"), alice, 5_000n, bookedAt);
  await l.asBank.contributeBatch(ref(ethers, "c2"), [
    { member: alice, amount: 1_000n, bookedAt },
    { member: bob, amount: 2_000n, bookedAt },
  ]);
  await l.asInvestment.creditReturns(ref(ethers, "r1"), [{ accountId: aliceAccount, amount: 50n }]);
  await l.asBureau.recordEligibility(alice, Event.Retirement, bookedAt, ref(ethers, "e"));
  await l.asBank.startPayout(aliceAccount, Event.Retirement, Mode.LumpSum, 0);
  await l.asKeeper.settlePayouts(ref(ethers, "run"), [aliceAccount]);
  // A failed call is not an operation.
  await l.asBank.contribute(ref(ethers, "c1"), alice, 1n, bookedAt).catch(() => undefined);
  return l;
}

describe("PensionLedger audit hash", function () {
  it("can be recomputed by anyone from the transactions' input data", async function () {
    const { ledger } = await networkHelpers.loadFixture(historyFixture);
    const address = (await ledger.getAddress()).toLowerCase();
    const events = await ledger.queryFilter(ledger.filters.OperationRecorded());
    const coder = ethers.AbiCoder.defaultAbiCoder();
    let running = ethers.ZeroHash;
    for (const [i, event] of events.entries()) {
      const tx = (await event.getTransaction())!;
      // Operation 1 is initialize, run by the proxy's constructor: its msg.data is the constructor's `_data`.
      const data = tx.to?.toLowerCase() === address ? tx.data : findInitialize(tx.data);
      const sequence = BigInt(i + 1);
      running = ethers.keccak256(
        coder.encode(["bytes32", "uint256", "bytes4", "bytes32"], [running, sequence, data.slice(0, 10), ethers.keccak256(data)]),
      );
      expect(event.args.sequence).to.equal(sequence);
      expect(event.args.dataHash).to.equal(ethers.keccak256(data));
      expect(event.args.runningHash).to.equal(running);
    }
    expect(events.length).to.equal(9);
    expect(await ledger.auditState()).to.deep.equal([9n, running]);

    /** The initialize call inside the proxy's creation data (selector + six address words), checked by decoding. */
    function findInitialize(creation: string): string {
      const selector = ledger.interface.getFunction("initialize")!.selector.slice(2);
      const call = `0x${creation.slice(creation.lastIndexOf(selector), creation.lastIndexOf(selector) + 8 + 6 * 64)}`;
      const institutions = ledger.interface.decodeFunctionData("initialize", call);
      expect(institutions.length).to.equal(6);
      return call;
    }
  });

  it("detects a copy of the history with one altered operation", async function () {
    const { ledger } = await networkHelpers.loadFixture(historyFixture);
    const events = await ledger.queryFilter(ledger.filters.OperationRecorded());
    const coder = ethers.AbiCoder.defaultAbiCoder();
    const last = events[events.length - 1];
    const previous = events[events.length - 2].args.runningHash;
    const tampered = ethers.keccak256(coder.encode(["bytes32", "uint256", "bytes4", "bytes32"], [previous, last.args.sequence, last.args.selector, ethers.ZeroHash]));
    expect(tampered).to.not.equal((await ledger.auditState())[1]);
  });
});
