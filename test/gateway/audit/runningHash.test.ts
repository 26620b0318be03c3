/** The audit's pure parts: the running hash, calldata extraction, the fast log decoder, CSV and times. */
import { expect } from "chai";
import { AbiCoder, concat, keccak256, zeroPadValue } from "ethers";
import { ledgerInterface } from "../../../gateway/chain/ledgerInterface.js";
import { cstDateToUnix, shanghaiIso, amountsOf } from "../../../gateway/audit/entries.js";
import { toCsv, type ExportHeader } from "../../../gateway/audit/exports.js";
import { decodeLedgerLog } from "../../../gateway/audit/logDecoder.js";
import { dataHashOf, extractCalldata, nextRunningHash, ZERO_HASH } from "../../../gateway/audit/runningHash.js";

const coder = AbiCoder.defaultAbiCoder();
const LEDGER = "0x" + "5a".repeat(20);

describe("audit: running hash", () => {
  it("equals keccak256(abi.encode(previous, n, selector, dataHash)) as the ledger computes it", () => {
    const calldata = ledgerInterface.encodeFunctionData("contribute", ["0x" + "01".repeat(32), "0x" + "02".repeat(32), 100n, 1_700_000_000n]);
    const dataHash = dataHashOf(calldata);
    const selector = calldata.slice(0, 10);
    const first = nextRunningHash(ZERO_HASH, 1, selector, dataHash);
    expect(first).to.equal(keccak256(coder.encode(["bytes32", "uint256", "bytes4", "bytes32"], [ZERO_HASH, 1n, selector, dataHash])));
    const second = nextRunningHash(first, 2, selector, dataHash);
    expect(second).to.equal(keccak256(coder.encode(["bytes32", "uint256", "bytes4", "bytes32"], [first, 2n, selector, dataHash])));
    expect(second).to.not.equal(first);
  });

  it("encodes large sequence numbers over several bytes", () => {
    const hash = "0x" + "07".repeat(32);
    expect(nextRunningHash(hash, 70_000, "0x12345678", hash)).to.equal(
      keccak256(coder.encode(["bytes32", "uint256", "bytes4", "bytes32"], [hash, 70_000n, "0x12345678", hash])),
    );
  });
});

describe("audit: extractCalldata", () => {
  const calldata = ledgerInterface.encodeFunctionData("pause", []);
  const init = "0x8129fc1c" + "ab".repeat(64);

  it("takes a direct call's input as it is", () => {
    expect(extractCalldata(calldata, LEDGER, LEDGER, calldata.slice(0, 10), dataHashOf(calldata))).to.equal(calldata);
  });

  it("finds the initializer inside a proxy's creation input by its length prefix and data hash", () => {
    const creation = concat(["0x6080604052" + "00".repeat(40), coder.encode(["address", "bytes"], [LEDGER, init])]);
    expect(extractCalldata(creation, null, LEDGER, init.slice(0, 10), dataHashOf(init))).to.equal(init);
  });

  it("returns null when the input holds no call with that data hash", () => {
    expect(extractCalldata(calldata, LEDGER, LEDGER, calldata.slice(0, 10), "0x" + "00".repeat(32))).to.equal(null);
    expect(extractCalldata("0x" + "ff".repeat(100), null, LEDGER, "0x8129fc1c", dataHashOf(init))).to.equal(null);
  });
});

describe("audit: decodeLedgerLog", () => {
  const cases: [string, unknown[]][] = [
    ["PersonalContributionCredited", ["0x" + "11".repeat(32), "0x" + "22".repeat(32), 120_000n, 2026n]],
    ["ReturnCredited", ["0x" + "11".repeat(32), "0x" + "33".repeat(32), -1234n]],
    ["ReturnCredited", ["0x" + "11".repeat(32), "0x" + "33".repeat(32), -(2n ** 63n)]],
    ["AccountStatusChanged", ["0x" + "11".repeat(32), 1n, 3n, "0x" + "44".repeat(32)]],
    ["PayoutSettled", [7n, "0x" + "11".repeat(32), 2n, "0x" + "55".repeat(32), 1000n, 30n, 970n]],
    ["OperationRecorded", [12n, "0x12345678", "0x" + "66".repeat(32), "0x" + "77".repeat(32)]],
    ["PlanCreated", ["0x" + "88".repeat(32), "0x" + "99".repeat(32), [2500n, 5000n, 10000n]]],
  ];
  for (const [name, values] of cases) {
    it(`gives the same values as ethers for ${name}${name === "ReturnCredited" ? ` (${values[2]})` : ""}`, () => {
      const fragment = ledgerInterface.getEvent(name)!;
      const log = ledgerInterface.encodeEventLog(fragment, values);
      const parsed = ledgerInterface.parseLog(log)!;
      const fast = decodeLedgerLog(log.topics, log.data)!;
      expect(fast.name).to.equal(parsed.name);
      const expected: Record<string, unknown> = {};
      parsed.fragment.inputs.forEach((input, i) => {
        expected[input.name] = parsed.args[i];
      });
      expect(JSON.stringify(fast.args, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).to.equal(
        JSON.stringify(expected, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
      );
      expect(fast.result[0]).to.deep.equal(parsed.args[0]);
    });
  }

  it("ignores a log that is not the ledger's", () => {
    expect(decodeLedgerLog([zeroPadValue("0x01", 32)], "0x")).to.equal(null);
    expect(decodeLedgerLog([], "0x")).to.equal(null);
  });
});

describe("audit: entries, times and CSV", () => {
  it("shows a block time in Asia/Shanghai, across the UTC day boundary", () => {
    expect(shanghaiIso(Date.parse("2026-12-03T16:00:00Z") / 1000)).to.equal("2026-12-04T00:00:00+08:00");
    expect(shanghaiIso(Date.parse("2026-12-03T15:59:59Z") / 1000)).to.equal("2026-12-03T23:59:59+08:00");
  });

  it("bounds a CST day from 00:00 +08:00 to the next day's", () => {
    expect(cstDateToUnix("2026-01-01")).to.equal(Date.parse("2025-12-31T16:00:00Z") / 1000);
    expect(cstDateToUnix("2026-01-01", true) - cstDateToUnix("2026-01-01")).to.equal(86_400);
  });

  it("totals an annuity line's employer and employee parts in fen and shows ¥", () => {
    const { fen, display } = amountsOf("AnnuityContributionCredited", { employerAmount: "80000", employeeAmount: "40001" });
    expect(fen).to.deep.equal({ amount: "120001", employerAmount: "80000", employeeAmount: "40001" });
    expect(display.amount).to.equal("¥1,200.01");
  });

  it("writes CSV with # header lines and quotes cells with commas and quotes", () => {
    const header = { title: "t", chainId: 31337, ledgerAddress: LEDGER, blockRange: { from: 1, to: 9 }, runningHash: "0xab" } as unknown as ExportHeader;
    const csv = toCsv(header, [{
      sequence: 3, type: "contribution", event: "PersonalContributionCredited", accountId: "0x1", member: "0x2", txHash: "0x3", blockNumber: 4, logIndex: 0,
      blockTime: "2026-12-04T00:00:00+08:00", runningHash: "0x4", amounts: { amount: "123456" }, display: { amount: "¥1,234.56" }, details: { note: 'a "b"' },
    }]);
    const lines = csv.trim().split("\n");
    expect(lines[0]).to.equal("# t");
    expect(lines).to.include("# chainId: 31337");
    expect(lines).to.include('# blockRange: {"from":1,"to":9}');
    expect(lines.at(-1)).to.include('"¥1,234.56"');
    expect(lines.at(-1)).to.include('"{""note"":""a \\""b\\""""}"');
  });
});
