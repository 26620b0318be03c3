import { expect } from "chai";
import { isoToUnixSeconds } from "../../../../gateway/adapters/bank/amount.js";
import { BankMessageError } from "../../../../gateway/adapters/bank/bankMessageError.js";
import {
  classifyCamt054Entries,
  parseCamt054,
  type Camt054Decision,
  type Camt054Lookup,
  type PensionAccountInfo,
} from "../../../../gateway/adapters/bank/camt054.js";
import { formatPayrollReference, formatPensionReference } from "../../../../gateway/adapters/bank/pensionReference.js";
import { fixture } from "./samples.js";


/** Accounts 1–5 are open; payroll batch 202611000001 totals ¥1,392.00 and 202611000002 ¥1,000.00. */
function lookup(overrides: Partial<Camt054Lookup> & { accounts?: Record<string, PensionAccountInfo> } = {}): Camt054Lookup {
  const accounts: Record<string, PensionAccountInfo> =
    overrides.accounts ?? Object.fromEntries([1n, 2n, 3n, 4n, 5n, 2026000000004711n].map((s) => [formatPensionReference(s), { open: true }]));
  const batches: Record<string, { totalFen: bigint }> = {
    [formatPayrollReference(202611000001n)]: { totalFen: 139200n },
    [formatPayrollReference(202611000002n)]: { totalFen: 100000n },
  };
  return {
    pensionAccount: (reference) => accounts[reference],
    payrollBatch: (reference) => batches[reference],
    ...overrides,
  };
}

function codes(decisions: Camt054Decision[]): string[] {
  return decisions.map((d) => (d.kind === "rejected" || d.kind === "duplicate" || d.kind === "payrollHeld" ? `${d.kind}:${d.reason.code}` : d.kind));
}

function camt(version: string, entries: string, account = "110012345000526001"): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.${version}"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-03T18:00:00+08:00</CreDtTm></GrpHdr><Ntfctn><Id>N1</Id><Acct><Id><Othr><Id>${account}</Id></Othr></Id></Acct>${entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
}

function entry(opts: { amt?: string; ccy?: string; cd?: string; sts?: string; ref?: string; rmt?: string; booking?: string; rvsl?: boolean; txs?: string }): string {
  return `<Ntry><Amt Ccy="${opts.ccy ?? "CNY"}">${opts.amt ?? "100.00"}</Amt><CdtDbtInd>${opts.cd ?? "CRDT"}</CdtDbtInd>${opts.rvsl ? "<RvslInd>true</RvslInd>" : ""}<Sts><Cd>${opts.sts ?? "BOOK"}</Cd></Sts><BookgDt>${opts.booking ?? "<Dt>2026-11-03</Dt>"}</BookgDt>${opts.ref === "" ? "" : `<AcctSvcrRef>${opts.ref ?? "REF1"}</AcctSvcrRef>`}<BkTxCd/>${opts.txs ?? `<NtryDtls><TxDtls><RmtInf><Ustrd>${opts.rmt ?? formatPensionReference(1n)}</Ustrd></RmtInf></TxDtls></NtryDtls>`}</Ntry>`;
}

describe("camt.054", () => {
  describe("parseCamt054", () => {
    it("reads every supported version told apart by namespace", () => {
      const files = {
        "camt054.v02.cny.xml": "001.02",
        "camt054.v04.cny.xml": "001.04",
        "camt054.v08.cny.xml": "001.08",
        "camt054.v12.cny.xml": "001.12",
      };
      for (const [file, version] of Object.entries(files)) {
        const doc = parseCamt054(fixture(file));
        expect(doc.version, file).to.equal(version);
        expect(doc.notifications[0]!.account.other, file).to.equal("110012345000526001");
        expect(doc.notifications[0]!.entries.length, file).to.be.greaterThan(0);
      }
    });

    it("normalises an 001.02 entry: text status, transaction amount from AmtDtls, remittance lines", () => {
      const doc = parseCamt054(fixture("camt054.v02.cny.xml"));
      const [first, second] = doc.notifications[0]!.entries;
      expect(first).to.deep.include({ status: "BOOK", creditDebit: "CRDT", acctSvcrRef: "CNB20261102000000001", bookingDate: "2026-11-02" });
      expect(first!.amount).to.deep.equal({ text: "1200", currency: "CNY", fen: 120000n });
      expect(first!.transactions[0]).to.deep.include({ endToEndId: "E2E-20261102-0001", debtorAccount: "6217000000000000011" });
      expect(first!.transactions[0]!.amount).to.deep.equal({ text: "1200", currency: "CNY", fen: 120000n });
      expect(first!.transactions[0]!.remittance.unstructured).to.deep.equal(["个人养老金 PA000000000000000196"]);
      expect(second!.transactions).to.deep.equal([]);
      expect(second!.additionalInfo).to.equal("养老金缴费 PA000000000000000293");
    });

    it("normalises an 001.12 entry: coded status, transaction references, structured creditor reference", () => {
      const doc = parseCamt054(fixture("camt054.v12.cny.xml"));
      const [first, second] = doc.notifications[0]!.entries;
      expect(first).to.deep.include({ status: "BOOK", ntryRef: "1", bookingDate: "2026-11-03T10:15:30+08:00" });
      expect(first!.transactions[0]).to.deep.include({ acctSvcrRef: "CNB20261103000000101T1", endToEndId: "E2E-20261103-0001", txId: "TX20261103000101" });
      expect(second!.transactions[0]!.remittance.creditorReferences).to.deep.equal(["pa 0000 0000 0000 0002 93"]);
      expect(second!.amount.fen).to.equal(250050n);
    });

    it("keeps a non-CNY amount as text and marks a CNY amount with 3 decimals", () => {
      const doc = parseCamt054(fixture("camt054.v08.cny.xml"));
      const entries = doc.notifications[0]!.entries;
      expect(entries[5]!.amount).to.deep.equal({ text: "100.00", currency: "USD" });
      expect(entries[6]!.amount).to.deep.equal({ text: "12.345", currency: "CNY", problem: "decimals" });
    });

    it("refuses camt.054.001.06 and a camt.053 with MESSAGE_TYPE_UNSUPPORTED naming the namespace", () => {
      for (const ns of ["camt.054.001.06", "camt.053.001.08"]) {
        const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${ns}"><X/></Document>`;
        expect(() => parseCamt054(xml)).to.throw(BankMessageError, ns).with.property("code", "MESSAGE_TYPE_UNSUPPORTED");
      }
    });

    it("refuses a notification without a message id with BANK_MESSAGE_INVALID", () => {
      const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr/></BkToCstmrDbtCdtNtfctn></Document>`;
      expect(() => parseCamt054(xml)).to.throw(BankMessageError).with.property("code", "BANK_MESSAGE_INVALID");
    });
  });

  describe("classifyCamt054Entries", () => {
    it("credits the 001.02 sample to two members, one from an entry without transaction details", () => {
      const result = classifyCamt054Entries(parseCamt054(fixture("camt054.v02.cny.xml")), lookup());
      expect(codes(result.decisions)).to.deep.equal(["personalContribution", "personalContribution"]);
      const [a, b] = result.decisions;
      expect(a).to.deep.include({ serial: 1n, reference: "PA000000000000000196", amountFen: 120000n, dedupKey: "NTRY|CNB20261102000000001|0" });
      expect(b).to.deep.include({ serial: 2n, amountFen: 8880n, bookedAt: isoToUnixSeconds("2026-11-02T23:59:59+08:00") });
    });

    it("takes a date-only booking date as 00:00 China Standard Time", () => {
      const [d] = classifyCamt054Entries(parseCamt054(fixture("camt054.v02.cny.xml")), lookup()).decisions;
      expect(d).to.have.property("bookedAt", Date.UTC(2026, 10, 1, 16, 0, 0) / 1000);
    });

    it("credits the 001.04 and 001.12 samples, reading a spaced lowercase structured reference", () => {
      expect(codes(classifyCamt054Entries(parseCamt054(fixture("camt054.v04.cny.xml")), lookup()).decisions)).to.deep.equal(["personalContribution"]);
      const v12 = classifyCamt054Entries(parseCamt054(fixture("camt054.v12.cny.xml")), lookup()).decisions;
      expect(codes(v12)).to.deep.equal(["personalContribution", "personalContribution"]);
      expect(v12[0]).to.deep.include({ serial: 1n, amountFen: 100000n, dedupKey: "TX|CNB20261103000000101T1" });
      expect(v12[1]).to.deep.include({ serial: 2n, amountFen: 250050n, reference: "PA000000000000000293" });
    });

    it("gives each entry of the mixed 001.08 sample its own outcome with a bilingual reason", () => {
      const result = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.cny.xml")), lookup());
      expect(codes(result.decisions)).to.deep.equal([
        "personalContribution",
        "rejected:REFERENCE_CHECK_DIGITS",
        "rejected:REFERENCE_MISSING",
        "rejected:NOT_BOOKED",
        "rejected:NOT_A_CREDIT",
        "rejected:CURRENCY_NOT_CNY",
        "rejected:AMOUNT_INVALID",
        "personalContribution",
        "personalContribution",
      ]);
      expect(result.summary).to.deep.equal({ personalContribution: 3, payrollRelease: 0, payrollHeld: 0, duplicate: 0, conflict: 0, rejected: 6 });
      for (const d of result.decisions) {
        if (d.kind !== "rejected") continue;
        expect(d.reason.zh, d.reason.code).to.match(/[\u4e00-\u9fff]/);
        expect(d.reason.en, d.reason.code).to.match(/^[\x20-\x7e¥…]+$/);
      }
      const usd = result.decisions[5]!;
      expect(usd.kind === "rejected" && usd.reason.en).to.include("USD").and.include("only CNY");
    });

    it("reads a booking time without offset as China Standard Time", () => {
      const [first] = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.cny.xml")), lookup()).decisions;
      expect(first).to.have.property("bookedAt", Date.UTC(2026, 10, 4, 1, 0, 0) / 1000);
    });

    it("sends booked CNY credits with reference problems to suspense, but not debits, pending or foreign entries", () => {
      const result = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.cny.xml")), lookup());
      const suspense = result.decisions.map((d) => (d.kind === "rejected" ? d.suspense : null));
      expect(suspense).to.deep.equal([null, true, true, false, false, false, true, null, null]);
    });

    it("credits each transaction of a batch entry under the entry reference and its position", () => {
      const result = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.cny.xml")), lookup());
      expect(result.decisions[7]).to.deep.include({ serial: 4n, amountFen: 30000n, dedupKey: "NTRY|CNB20261104000000208|0" });
      expect(result.decisions[8]).to.deep.include({ serial: 5n, amountFen: 50000n, dedupKey: "NTRY|CNB20261104000000208|1" });
    });

    it("marks the entries an overlapping file repeats as duplicates and credits only the new one", () => {
      const seen = new Set<string>();
      const first = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.cny.xml")), lookup());
      for (const d of first.decisions) if (d.kind === "personalContribution") seen.add(d.dedupKey);
      const overlap = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.overlap.xml")), lookup({ alreadyProcessed: (k) => seen.has(k) }));
      expect(codes(overlap.decisions)).to.deep.equal(["duplicate:DUPLICATE", "duplicate:DUPLICATE", "duplicate:DUPLICATE", "personalContribution"]);
      expect(overlap.decisions[3]).to.deep.include({ serial: 2026000000004711n, amountFen: 6600n });
    });

    it("marks the same file delivered twice as all duplicates for what was processed", () => {
      const seen = new Set<string>();
      const once = classifyCamt054Entries(parseCamt054(fixture("camt054.v12.cny.xml")), lookup());
      for (const d of once.decisions) if ("dedupKey" in d && d.dedupKey) seen.add(d.dedupKey);
      const twice = classifyCamt054Entries(parseCamt054(fixture("camt054.v12.cny.xml")), lookup({ alreadyProcessed: (k) => seen.has(k) }));
      expect(twice.summary).to.include({ duplicate: 2, personalContribution: 0 });
    });

    it("marks a resent suspense credit (bad reference, 3 decimals) as a duplicate, so it is not suspended twice", () => {
      const first = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.cny.xml")), lookup());
      const suspended = new Set<string>();
      for (const d of first.decisions) if (d.kind === "rejected" && d.suspense && d.dedupKey) suspended.add(d.dedupKey);
      expect(suspended.size).to.equal(3);
      const again = classifyCamt054Entries(parseCamt054(fixture("camt054.v08.cny.xml")), lookup({ alreadyProcessed: (k) => suspended.has(k) }));
      expect(codes(again.decisions)).to.deep.equal([
        "personalContribution",
        "duplicate:DUPLICATE",
        "duplicate:DUPLICATE",
        "rejected:NOT_BOOKED",
        "rejected:NOT_A_CREDIT",
        "rejected:CURRENCY_NOT_CNY",
        "duplicate:DUPLICATE",
        "personalContribution",
        "personalContribution",
      ]);
    });

    it("recognises a resend by ANY of its bank references: one that adds the transaction's AcctSvcrRef is a duplicate, with another amount a conflict", () => {
      const txs = (txRef: string, amt = "100.00") =>
        `<NtryDtls><TxDtls><Refs>${txRef ? `<AcctSvcrRef>${txRef}</AcctSvcrRef>` : ""}<EndToEndId>E2E-R1</EndToEndId></Refs><Amt Ccy="CNY">${amt}</Amt><RmtInf><Ustrd>${formatPensionReference(1n)}</Ustrd></RmtInf></TxDtls></NtryDtls>`;
      const first = classifyCamt054Entries(parseCamt054(camt("08", entry({ ref: "NT-R1", txs: txs("") }))), lookup()).decisions[0]!;
      expect(first).to.deep.include({ kind: "personalContribution", dedupKey: "NTRY|NT-R1|0", aliasKeys: ["E2E|E2E-R1"] });
      const stored = new Map<string, { amountFen: bigint; bookedAt: number }>();
      for (const key of ["NTRY|NT-R1|0", "E2E|E2E-R1"]) stored.set(key, { amountFen: 10000n, bookedAt: isoToUnixSeconds("2026-11-03")! });
      const resend = classifyCamt054Entries(parseCamt054(camt("08", entry({ ref: "NT-R1", txs: txs("TX-R1") }))), lookup({ processedBooking: (k) => stored.get(k) })).decisions[0]!;
      expect(resend).to.deep.include({ kind: "duplicate", dedupKey: "TX|TX-R1", matchedKey: "NTRY|NT-R1|0", amountFen: 10000n });
      // A first delivery keyed by its end-to-end id alone (no AcctSvcrRef): a resend that adds the bank's reference is the same booking.
      const e2eOnly = new Map([["E2E|E2E-R1", { amountFen: 10000n, bookedAt: isoToUnixSeconds("2026-11-03")!, dedupKey: "E2E|E2E-R1" }]]);
      const byE2e = classifyCamt054Entries(parseCamt054(camt("08", entry({ ref: "", txs: txs("TX-R1") }))), lookup({ processedBooking: (k) => e2eOnly.get(k) })).decisions[0]!;
      expect(byE2e).to.deep.include({ kind: "duplicate", dedupKey: "TX|TX-R1", matchedKey: "E2E|E2E-R1" });
      // But a payer's reference does not join two bookings that both carry the bank's own (other) references.
      const aliased = new Map([["E2E|E2E-R1", { amountFen: 10000n, bookedAt: isoToUnixSeconds("2026-11-03")!, dedupKey: "NTRY|NT-R1|0" }]]);
      const other = classifyCamt054Entries(parseCamt054(camt("08", entry({ ref: "NT-R2", txs: txs("TX-R2") }))), lookup({ processedBooking: (k) => aliased.get(k) })).decisions[0]!;
      expect(other).to.deep.include({ kind: "personalContribution", dedupKey: "TX|TX-R2" });
      const corrected = classifyCamt054Entries(parseCamt054(camt("08", entry({ ref: "NT-R1", amt: "200.00", txs: txs("TX-R1", "200.00") }))), lookup({ processedBooking: (k) => stored.get(k) })).decisions[0]!;
      expect(corrected).to.deep.include({ kind: "conflict", dedupKey: "TX|TX-R1", matchedKey: "NTRY|NT-R1|0", conflictKey: `CONFLICT|TX|TX-R1|20000|${isoToUnixSeconds("2026-11-03")}` });
      // Keys of earlier versions (<account>|…) under any reference count too.
      const legacy = classifyCamt054Entries(parseCamt054(camt("08", entry({ ref: "NT-R1", txs: txs("TX-R1") }))), lookup({ alreadyProcessed: (k) => k === "110012345000526001|NTRY|NT-R1|0" })).decisions[0]!;
      expect(legacy).to.deep.include({ kind: "duplicate", matchedKey: "110012345000526001|NTRY|NT-R1|0" });
    });

    it("recognises a resent debit reversal that adds the transaction's AcctSvcrRef as a duplicate", () => {
      const txs = (txRef: string) =>
        `<NtryDtls><TxDtls><Refs>${txRef ? `<AcctSvcrRef>${txRef}</AcctSvcrRef>` : ""}<EndToEndId>E2E-RV</EndToEndId></Refs><RmtInf><Ustrd>${formatPensionReference(1n)}</Ustrd></RmtInf></TxDtls></NtryDtls>`;
      const stored = new Set(["NTRY|NT-RV|0", "E2E|E2E-RV", "RVSL|NTRY|NT-RV|0"]);
      const [d] = classifyCamt054Entries(parseCamt054(camt("08", entry({ ref: "NT-RV", cd: "DBIT", rvsl: true, txs: txs("TX-RV") }))), lookup({ alreadyProcessed: (k) => stored.has(k) })).decisions;
      expect(d).to.deep.include({ kind: "duplicate", dedupKey: "RVSL|TX|TX-RV", matchedKey: "RVSL|NTRY|NT-RV|0" });
    });

    it("reports a booking whose AcctSvcrRef or EndToEndId the JSON API used (API|<ref>) as a duplicate", () => {
      const xml = camt("08", entry({ ref: "NT-API", txs: `<NtryDtls><TxDtls><Refs><EndToEndId>E2E-API</EndToEndId></Refs><RmtInf><Ustrd>${formatPensionReference(1n)}</Ustrd></RmtInf></TxDtls></NtryDtls>` }));
      for (const used of ["API|NT-API", "API|E2E-API"]) {
        const [d] = classifyCamt054Entries(parseCamt054(xml), lookup({ processedBooking: (k) => (k === used ? { amountFen: null, bookedAt: null } : undefined) })).decisions;
        expect(d, used).to.deep.include({ kind: "duplicate", dedupKey: "NTRY|NT-API|0", matchedKey: used });
      }
    });

    it("does not alias transactions of one entry by a payer reference they share", () => {
      const tx = (i: number) => `<TxDtls><Refs><EndToEndId>SAME-E2E</EndToEndId></Refs><Amt Ccy="CNY">50.00</Amt><RmtInf><Ustrd>${formatPensionReference(BigInt(i))}</Ustrd></RmtInf></TxDtls>`;
      const xml = camt("08", entry({ ref: "NT-MULTI", txs: `<NtryDtls>${tx(1)}${tx(2)}</NtryDtls>` }));
      const decisions = classifyCamt054Entries(parseCamt054(xml), lookup()).decisions;
      expect(codes(decisions)).to.deep.equal(["personalContribution", "personalContribution"]);
      expect(decisions.map((d) => d.kind === "personalContribution" && [d.dedupKey, d.aliasKeys])).to.deep.equal([["NTRY|NT-MULTI|0", undefined], ["NTRY|NT-MULTI|1", undefined]]);
    });

    it("marks a transaction repeated inside one document as a duplicate without any lookup", () => {
      const xml = camt("08", entry({ ref: "SAME" }) + entry({ ref: "SAME" }));
      expect(codes(classifyCamt054Entries(parseCamt054(xml), lookup()).decisions)).to.deep.equal(["personalContribution", "duplicate:DUPLICATE"]);
    });

    it("falls back to the end-to-end id alone for the key (no amount, date or account), and refuses a credit with no bank reference", () => {
      const withE2e = camt("08", entry({ ref: "", txs: `<NtryDtls><TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><RmtInf><Ustrd>${formatPensionReference(1n)}</Ustrd></RmtInf></TxDtls></NtryDtls>` }));
      expect(classifyCamt054Entries(parseCamt054(withE2e), lookup()).decisions[0]).to.deep.include({
        kind: "personalContribution",
        dedupKey: "E2E|E1",
      });
      const none = camt("08", entry({ ref: "" }));
      const [d] = classifyCamt054Entries(parseCamt054(none), lookup()).decisions;
      expect(d).to.deep.include({ kind: "rejected", suspense: true, amountFen: 10000n });
      expect(d!.kind === "rejected" && d!.reason.code).to.equal("NO_BANK_REFERENCE");
    });

    it("does not use NOTPROVIDED as an end-to-end id", () => {
      const xml = camt("08", entry({ ref: "", txs: `<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RmtInf><Ustrd>${formatPensionReference(1n)}</Ustrd></RmtInf></TxDtls></NtryDtls>` }));
      expect(codes(classifyCamt054Entries(parseCamt054(xml), lookup()).decisions)).to.deep.equal(["rejected:NO_BANK_REFERENCE"]);
    });

    it("releases a payroll batch whose booked amount equals the file total and holds one that differs", () => {
      const result = classifyCamt054Entries(parseCamt054(fixture("camt054.v04.payroll.xml")), lookup());
      expect(codes(result.decisions)).to.deep.equal(["payrollRelease", "payrollHeld:PAYROLL_AMOUNT_MISMATCH"]);
      expect(result.decisions[0]).to.deep.include({ payrollReference: "PR000020261100000174", amountFen: 139200n });
      expect(result.decisions[1]).to.deep.include({ payrollReference: "PR000020261100000271", amountFen: 99999n, expectedFen: 100000n });
      const held = result.decisions[1]!;
      expect(held.kind === "payrollHeld" && held.reason.zh).to.include("¥999.99").and.include("¥1,000.00");
    });

    it("refuses an unknown payroll batch and an unknown or closed pension account to suspense", () => {
      const unknownBatch = camt("08", entry({ rmt: formatPayrollReference(99n) }));
      expect(codes(classifyCamt054Entries(parseCamt054(unknownBatch), lookup()).decisions)).to.deep.equal(["rejected:PAYROLL_BATCH_UNKNOWN"]);
      const unknownMember = camt("08", entry({ rmt: formatPensionReference(77n) }));
      expect(codes(classifyCamt054Entries(parseCamt054(unknownMember), lookup()).decisions)).to.deep.equal(["rejected:PENSION_ACCOUNT_UNKNOWN"]);
      const closed = lookup({ accounts: { [formatPensionReference(1n)]: { open: false } } });
      expect(codes(classifyCamt054Entries(parseCamt054(camt("08", entry({}))), closed).decisions)).to.deep.equal(["rejected:PENSION_ACCOUNT_CLOSED"]);
    });

    it("credits a contribution only from the member's bound account when one is known", () => {
      const bound = lookup({ accounts: { [formatPensionReference(1n)]: { open: true, boundAccount: "6217000000000000011" } } });
      const v12 = classifyCamt054Entries(parseCamt054(fixture("camt054.v12.cny.xml")), bound).decisions;
      expect(v12[0]!.kind).to.equal("personalContribution");
      const other = lookup({ accounts: { [formatPensionReference(1n)]: { open: true, boundAccount: "6217000000000009999" } } });
      expect(codes(classifyCamt054Entries(parseCamt054(fixture("camt054.v12.cny.xml")), other).decisions)[0]).to.equal("rejected:DEBTOR_NOT_BOUND_ACCOUNT");
    });

    it("distinguishes a reference with a wrong length from a missing one", () => {
      const xml = camt("08", entry({ rmt: formatPensionReference(1n).slice(0, -1) }));
      expect(codes(classifyCamt054Entries(parseCamt054(xml), lookup()).decisions)).to.deep.equal(["rejected:REFERENCE_FORMAT"]);
    });

    it("refuses a remittance naming two members, or a member and a payroll batch, as ambiguous", () => {
      const two = camt("08", entry({ rmt: `${formatPensionReference(1n)} ${formatPensionReference(2n)}` }));
      const mixed = camt("08", entry({ rmt: `${formatPensionReference(1n)} ${formatPayrollReference(202611000001n)}` }));
      for (const xml of [two, mixed]) expect(codes(classifyCamt054Entries(parseCamt054(xml), lookup()).decisions)).to.deep.equal(["rejected:REFERENCE_AMBIGUOUS"]);
    });

    it("refuses a reversal, an unknown status, a zero amount and a batch whose transactions do not add up", () => {
      const cases: [string, string][] = [
        [entry({ rvsl: true }), "rejected:REVERSAL"],
        [entry({ sts: "XXXX" }), "rejected:NOT_BOOKED"],
        [entry({ amt: "0.00" }), "rejected:AMOUNT_NOT_POSITIVE"],
        [
          entry({ amt: "3.00", txs: `<NtryDtls><TxDtls><Amt Ccy="CNY">1.00</Amt><RmtInf><Ustrd>${formatPensionReference(1n)}</Ustrd></RmtInf></TxDtls><TxDtls><Amt Ccy="CNY">1.00</Amt><RmtInf><Ustrd>${formatPensionReference(2n)}</Ustrd></RmtInf></TxDtls></NtryDtls>` }),
          "rejected:ENTRY_TOTAL_MISMATCH",
        ],
      ];
      for (const [e, code] of cases) expect(codes(classifyCamt054Entries(parseCamt054(camt("08", e)), lookup()).decisions)[0], code).to.equal(code);
    });

    it("credits the smallest amount, one fen, and refuses a third decimal even when it is zero", () => {
      expect(classifyCamt054Entries(parseCamt054(camt("08", entry({ amt: "0.01" }))), lookup()).decisions[0]).to.deep.include({ amountFen: 1n });
      expect(codes(classifyCamt054Entries(parseCamt054(camt("08", entry({ amt: "0.010" }))), lookup()).decisions)).to.deep.equal(["rejected:AMOUNT_INVALID"]);
    });
  });

  describe("amounts the ledger cannot take", () => {
    const classifyOne = (amt: string, rmt = formatPensionReference(1n)) =>
      classifyCamt054Entries(parseCamt054(camt("08", entry({ amt, rmt }))), lookup()).decisions[0]!;

    it("rejects a CNY credit of 99999999999999999999999.99 to suspense as AMOUNT_TOO_LARGE, keeping no fen amount", () => {
      const d = classifyOne("99999999999999999999999.99");
      expect(d.kind).to.equal("rejected");
      if (d.kind !== "rejected") return;
      expect(d.reason.code).to.equal("AMOUNT_TOO_LARGE");
      expect(d.suspense).to.equal(true);
      expect(d.amountFen).to.equal(undefined);
      expect(d.reason.zh).to.contain("99999999999999999999999.99");
      expect(d.reason.en).to.contain("¥184,467,440,737,095,516.15");
    });

    it("draws the line at 2^64 − 1 fen (the contract's uint64) whatever the reference", () => {
      const payroll = formatPayrollReference(202611000001n);
      expect(codes([classifyOne("184467440737095516.16", payroll)])).to.deep.equal(["rejected:AMOUNT_TOO_LARGE"]);
      expect(codes([classifyOne("184467440737095516.15", payroll)])).to.deep.equal(["payrollHeld:PAYROLL_AMOUNT_MISMATCH"]);
    });

    it("rejects a single personal credit above the annual cap of ¥12,000.00 to suspense, and takes ¥12,000.00", () => {
      expect(classifyOne("12000.00").kind).to.equal("personalContribution");
      const d = classifyOne("12000.01");
      expect(codes([d])).to.deep.equal(["rejected:CONTRIBUTION_EXCEEDS_ANNUAL_CAP"]);
      if (d.kind !== "rejected") return;
      expect(d.suspense).to.equal(true);
      expect(d.amountFen).to.equal(1_200_001n);
      expect(d.reason.zh).to.contain("¥12,000.00");
    });
  });

  describe("schema rules the message must follow", () => {
    const noNotification = `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-03T18:00:00+08:00</CreDtTm></GrpHdr></BkToCstmrDbtCdtNtfctn></Document>`;
    const refusal = (xml: string): BankMessageError => {
      try {
        parseCamt054(xml);
      } catch (e) {
        return e as BankMessageError;
      }
      throw new Error("parseCamt054 accepted the message");
    };

    it("refuses a camt.054 without any Ntfctn as BANK_MESSAGE_INVALID naming the element", () => {
      const e = refusal(noNotification);
      expect(e).to.be.instanceOf(BankMessageError);
      expect(e.code).to.equal("BANK_MESSAGE_INVALID");
      expect(e.status).to.equal(400);
      expect(e.field).to.equal("Ntfctn");
      expect(e.message).to.contain("Ntfctn");
    });

    it("takes a 35-character MsgId and refuses a 36-character one, naming the element and the limit", () => {
      const id35 = "M".repeat(35);
      expect(parseCamt054(camt("08", entry({})).replace("<MsgId>M1</MsgId>", `<MsgId>${id35}</MsgId>`)).messageId).to.equal(id35);
      const e = refusal(camt("08", entry({})).replace("<MsgId>M1</MsgId>", `<MsgId>${"M".repeat(36)}</MsgId>`));
      expect(e.code).to.equal("BANK_MESSAGE_INVALID");
      expect(e.details).to.deep.include({ element: "GrpHdr/MsgId", maxLength: 35, length: 36 });
      expect(e.message).to.contain("GrpHdr/MsgId").and.contain("35");
    });

    it("refuses a 3 MB MsgId without echoing it back", () => {
      const e = refusal(camt("08", entry({})).replace("<MsgId>M1</MsgId>", `<MsgId>${"X".repeat(3 * 1024 * 1024)}</MsgId>`));
      expect(e.code).to.equal("BANK_MESSAGE_INVALID");
      expect(e.details?.length).to.equal(3 * 1024 * 1024);
      expect(JSON.stringify({ message: e.message, details: e.details }).length).to.be.below(1000);
    });

    it("refuses over-long Ntfctn/Id, AcctSvcrRef (Max35Text) and remittance lines (Max140Text)", () => {
      expect(refusal(camt("08", entry({})).replace("<Id>N1</Id>", `<Id>${"N".repeat(36)}</Id>`)).details).to.deep.include({ element: "Ntfctn/Id", maxLength: 35 });
      expect(refusal(camt("08", entry({ ref: "R".repeat(36) }))).details).to.deep.include({ element: "Ntry/AcctSvcrRef", maxLength: 35 });
      expect(parseCamt054(camt("08", entry({ ref: "R".repeat(35) }))).notifications[0]!.entries[0]!.acctSvcrRef).to.have.length(35);
      const rmt140 = `${formatPensionReference(1n)} ${"缴".repeat(119)}`;
      expect([...rmt140]).to.have.length(140);
      expect(parseCamt054(camt("08", entry({ rmt: rmt140 }))).notifications).to.have.length(1);
      expect(refusal(camt("08", entry({ rmt: rmt140 + "费" }))).details).to.deep.include({ element: "TxDtls/RmtInf/Ustrd", maxLength: 140, length: 141 });
    });
  });
});

