import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BankMessageError } from "../../../../gateway/adapters/bank/bankMessageError.js";
import { buildPain001, parsePayoutEndToEndId, payoutEndToEndId, type PaymentRunInput } from "../../../../gateway/adapters/bank/pain001.js";
import { parseBankXml, xmlAttr, xmlChildren, xmlPath, xmlPathText } from "../../../../gateway/adapters/bank/xml.js";
import { XSD_DIR } from "./samples.js";


/** Runs `xmllint --noout --schema` on the document; returns its exit status and output. */
function xmllint(xml: string, version = "001.001.03"): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "pain001-"));
  try {
    const file = join(dir, "pain001.xml");
    writeFileSync(file, xml);
    const r = spawnSync("xmllint", ["--noout", "--nonet", "--schema", `${XSD_DIR}pain.${version}.xsd`, file], { encoding: "utf8" });
    if (r.error) throw new Error(`xmllint is not installed (apt-get install -y libxml2-utils): ${r.error.message}`);
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(overrides: Partial<PaymentRunInput> = {}): PaymentRunInput {
  return {
    messageId: "SETTLE-2026-11-0001",
    createdAt: Date.UTC(2026, 10, 25, 1, 0, 0) / 1000,
    executionDate: "2026-11-25",
    initiatingParty: { name: "养老金运营中心 Pension Operations", organisationId: "PENSION-OPS" },
    debtor: { name: "个人养老金资金结算户", account: "110012345000526999", agent: { bic: "ICBKCNBJ", name: "示例银行" } },
    payouts: [
      { payoutId: "PO-2026-11-000001", amountFen: 970000n, creditor: { name: "张三", account: "6217000000000000011" }, remittance: "个人养老金领取 2026-11" },
      { payoutId: "PO-2026-11-000002", amountFen: 1n, creditor: { name: "欧阳·娜娜 & Co <test>", account: "6217000000000000029", agent: { cnapsCode: "102100099996", name: "示例银行北京分行" } } },
    ],
    ...overrides,
  };
}

describe("pain.001", () => {
  describe("buildPain001", () => {
    it("produces a two-payment run that validates against the official pain.001.001.03 XSD", () => {
      const { xml } = buildPain001(run());
      const lint = xmllint(xml);
      expect(lint.output).to.include("validates");
      expect(lint.status).to.equal(0);
    });

    it("produces an heirs run (one payout per heir, Chinese names) that validates against the XSD", () => {
      const heirs = run({
        messageId: "DEATH-SETTLE-000042",
        payouts: [
          { payoutId: "PO-HEIR-000042-1", amountFen: 3333334n, creditor: { name: "李小明", account: "6228480000000000017" }, remittance: "身故继承给付" },
          { payoutId: "PO-HEIR-000042-2", amountFen: 3333333n, creditor: { name: "李小红", account: "6228480000000000025" }, remittance: "身故继承给付" },
          { payoutId: "PO-HEIR-000042-3", amountFen: 3333333n, creditor: { name: "王芳", account: "6228480000000000033" }, remittance: "身故继承给付" },
        ],
      });
      const result = buildPain001(heirs);
      expect(xmllint(result.xml).status).to.equal(0);
      expect(result).to.deep.include({ numberOfTransactions: 3, controlSumFen: 10000000n });
    });

    it("is checked by a schema validation that does fail on an invalid document", () => {
      const broken = buildPain001(run()).xml.replace("<PmtMtd>TRF</PmtMtd>", "<PmtMtd>XXX</PmtMtd>");
      expect(xmllint(broken).status).to.not.equal(0);
    });

    it("produces the same runs as pain.001.001.12 that validate against that XSD, with BICFI and a dated execution", () => {
      const { xml } = buildPain001(run({ version: "001.001.12" }));
      expect(xml).to.include("urn:iso:std:iso:20022:tech:xsd:pain.001.001.12").and.include("<BICFI>ICBKCNBJ</BICFI>");
      expect(xml).to.include("<ReqdExctnDt><Dt>2026-11-25</Dt></ReqdExctnDt>");
      const lint = xmllint(xml, "001.001.12");
      expect(lint.output).to.include("validates");
      expect(lint.status).to.equal(0);
    });

    it("states the number of transactions and the control sum exactly, in the header and the payment block", () => {
      const { xml, controlSumFen, numberOfTransactions } = buildPain001(run());
      expect(controlSumFen).to.equal(970001n);
      expect(numberOfTransactions).to.equal(2);
      const doc = parseBankXml(xml);
      const body = xmlPath(doc.root, "CstmrCdtTrfInitn");
      expect(xmlPathText(body, "GrpHdr", "NbOfTxs")).to.equal("2");
      expect(xmlPathText(body, "GrpHdr", "CtrlSum")).to.equal("9700.01");
      expect(xmlPathText(body, "PmtInf", "CtrlSum")).to.equal("9700.01");
      expect(xmlPathText(body, "GrpHdr", "CreDtTm")).to.equal("2026-11-25T09:00:00+08:00");
    });

    it("writes one payment per payout with the payout id as end-to-end id and the net amount in CNY", () => {
      const doc = parseBankXml(buildPain001(run()).xml);
      const txs = xmlChildren(xmlPath(doc.root, "CstmrCdtTrfInitn", "PmtInf"), "CdtTrfTxInf");
      expect(txs.map((t) => xmlPathText(t, "PmtId", "EndToEndId"))).to.deep.equal(["PO-2026-11-000001", "PO-2026-11-000002"]);
      expect(txs.map((t) => xmlPathText(t, "Amt", "InstdAmt"))).to.deep.equal(["9700.00", "0.01"]);
      expect(txs.map((t) => xmlAttr(xmlPath(t, "Amt", "InstdAmt"), "Ccy"))).to.deep.equal(["CNY", "CNY"]);
      expect(txs.map((t) => xmlPathText(t, "Cdtr", "Nm"))).to.deep.equal(["张三", "欧阳·娜娜 & Co <test>"]);
      expect(xmlPathText(txs[0], "CdtrAcct", "Id", "Othr", "Id")).to.equal("6217000000000000011");
      expect(xmlPathText(doc.root, "CstmrCdtTrfInitn", "PmtInf", "DbtrAcct", "Id", "Othr", "Id")).to.equal("110012345000526999");
    });

    it("formats amounts beyond the safe integer range exactly", () => {
      const big = 9007199254740993n; // 2^53 + 1
      const doc = parseBankXml(buildPain001(run({ payouts: [{ payoutId: "P1", amountFen: big, creditor: { name: "张三", account: "1" } }] })).xml);
      expect(xmlPathText(doc.root, "CstmrCdtTrfInitn", "GrpHdr", "CtrlSum")).to.equal("90071992547409.93");
    });

    it("accepts a 140-character Chinese name and refuses 141 characters", () => {
      const name = "张".repeat(140);
      const ok = buildPain001(run({ payouts: [{ payoutId: "P1", amountFen: 100n, creditor: { name, account: "1" } }] }));
      expect(xmllint(ok.xml).status).to.equal(0);
      expect(() => buildPain001(run({ payouts: [{ payoutId: "P1", amountFen: 100n, creditor: { name: name + "张", account: "1" } }] })))
        .to.throw(BankMessageError, "payouts.0.creditor.name: longer than 140 characters");
    });

    it("refuses an empty run, a duplicated payout id, a zero amount and a 36-character id, naming each field and no personal data", () => {
      expect(() => buildPain001(run({ payouts: [] }))).to.throw(BankMessageError, "at least one payout");
      try {
        buildPain001(
          run({
            payouts: [
              { payoutId: "P1", amountFen: 0n, creditor: { name: "张三", account: "6217000000000000011" } },
              { payoutId: "P1", amountFen: 5n, creditor: { name: "张三", account: "6217000000000000011" } },
              { payoutId: "X".repeat(36), amountFen: 5n, creditor: { name: "张三", account: "6217000000000000011" } },
            ],
          }),
        );
        expect.fail("expected PAYMENT_INSTRUCTION_INVALID");
      } catch (e) {
        const err = e as BankMessageError;
        expect(err.code).to.equal("PAYMENT_INSTRUCTION_INVALID");
        expect(err.details?.problems).to.deep.equal([
          "payouts.0.amountFen: a positive bigint of fen is required",
          "payouts.1.payoutId: appears twice in the run",
          "payouts.2.payoutId: longer than 35 characters",
        ]);
        expect(err.message).to.not.include("张三").and.not.include("6217000000000000011");
      }
    });
  });

  describe("payoutEndToEndId", () => {
    it("round-trips the smallest and largest uint64 payout ids and refuses beyond", () => {
      for (const id of [0n, 42n, 2n ** 64n - 1n]) expect(parsePayoutEndToEndId(payoutEndToEndId(id))).to.equal(id);
      expect(payoutEndToEndId(42n)).to.equal("PO42");
      expect(() => payoutEndToEndId(2n ** 64n)).to.throw(RangeError);
      expect(() => payoutEndToEndId(-1n)).to.throw(RangeError);
    });

    it("does not read other end-to-end ids as payouts", () => {
      for (const text of ["PO18446744073709551616", "PO-1", "PO01", "E2E-1", "", "po42"]) expect(parsePayoutEndToEndId(text), text).to.equal(undefined);
    });
  });
});
