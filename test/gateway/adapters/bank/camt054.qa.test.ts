/**
 * camt.054 defects found by QA (fixtures in test/fixtures/iso20022/qa/, from the QA engineer's repro files): the
 * dedup key's independence of how the account is written, the collection-account check, conflicting resends,
 * transaction amounts against the entry, RvslInd="1", debit reversals and batch totals in suspense.
 */
import { expect } from "chai";
import {
  camt054DedupKey,
  classifyCamt054Entries,
  isCollectionAccount,
  parseCamt054,
  type Camt054Decision,
  type Camt054Lookup,
  type ProcessedBookingInfo,
} from "../../../../gateway/adapters/bank/camt054.js";
import { isoToUnixSeconds } from "../../../../gateway/adapters/bank/amount.js";
import { BankMessageError } from "../../../../gateway/adapters/bank/bankMessageError.js";
import { fixture } from "./samples.js";

const COLLECTION = ["110012345000526001"];
const qa = (name: string) => fixture(`qa/${name}`);

/** Every pension account open, no bound card; processed keys kept in `store` as a caller would. */
function lookup(store = new Map<string, ProcessedBookingInfo>()): Camt054Lookup & { store: Map<string, ProcessedBookingInfo> } {
  return {
    store,
    pensionAccount: () => ({ open: true }),
    payrollBatch: () => undefined,
    processedBooking: (key) => store.get(key),
  };
}

/** Stores what a caller stores for every decision it acts on (credits, suspense, conflicts). */
function remember(decisions: Camt054Decision[], store: Map<string, ProcessedBookingInfo>): void {
  for (const d of decisions) {
    if (d.kind === "personalContribution") store.set(d.dedupKey, { amountFen: d.amountFen, bookedAt: d.bookedAt });
    else if (d.kind === "conflict") store.set(d.conflictKey, { amountFen: d.amountFen ?? null, bookedAt: d.bookedAt ?? null });
    else if (d.kind === "rejected" && d.suspense && d.dedupKey) store.set(d.dedupKey, { amountFen: d.amountFen ?? null, bookedAt: d.bookedAt ?? null });
  }
}

const kinds = (decisions: Camt054Decision[]) => decisions.map((d) => (d.kind === "rejected" || d.kind === "duplicate" || d.kind === "conflict" ? `${d.kind}:${d.reason.code}` : d.kind));

describe("camt.054 (QA findings)", () => {
  describe("dedup key and collection account", () => {
    it("keys a booking on the bank's references only: the same booking with the account as IBAN is a duplicate", () => {
      const l = lookup();
      const first = classifyCamt054Entries(parseCamt054(qa("i1.xml")), l, { collectionAccounts: COLLECTION });
      expect(kinds(first.decisions)).to.deep.equal(["personalContribution", "rejected:REFERENCE_CHECK_DIGITS"]);
      remember(first.decisions, l.store);
      const iban = classifyCamt054Entries(parseCamt054(qa("i1-iban.xml")), l, { collectionAccounts: COLLECTION });
      expect(kinds(iban.decisions)).to.deep.equal(["duplicate:DUPLICATE", "duplicate:DUPLICATE"]);
      expect((first.decisions[0] as { dedupKey: string }).dedupKey).to.equal("TX|TX-I-1");
    });

    it("refuses a notification without an account, or for another customer's account, crediting nothing and keeping no key", () => {
      for (const name of ["i1-noacct.xml", "acc1.xml", "acc2.xml"]) {
        const result = classifyCamt054Entries(parseCamt054(qa(name)), lookup(), { collectionAccounts: COLLECTION });
        for (const d of result.decisions) {
          expect(d.kind, name).to.equal("rejected");
          if (d.kind !== "rejected") continue;
          expect(d.reason.code, name).to.equal("NOT_COLLECTION_ACCOUNT");
          expect(d.suspense, name).to.equal(false);
          expect(d.reason.en, name).to.contain("110012345000526001");
        }
      }
    });

    it("recognises the collection account by Othr/Id or IBAN (its BBAN), whatever spaces, hyphens and case", () => {
      expect(isCollectionAccount({ other: "110012345000526001" }, COLLECTION)).to.equal(true);
      expect(isCollectionAccount({ other: "1100 1234-5000 526001" }, COLLECTION)).to.equal(true);
      expect(isCollectionAccount({ iban: "CN00110012345000526001" }, COLLECTION)).to.equal(true);
      expect(isCollectionAccount({ iban: "CN00110012345000526002" }, COLLECTION)).to.equal(false);
      expect(isCollectionAccount({ other: "SOME-OTHER-CUSTOMER-ACCT" }, COLLECTION)).to.equal(false);
      expect(isCollectionAccount({}, COLLECTION)).to.equal(false);
    });
  });

  describe("conflicting resends", () => {
    it("reports a resend of the same references with a corrected amount as a conflict naming both amounts, for every key form", () => {
      const l = lookup();
      const first = classifyCamt054Entries(parseCamt054(qa("t6a.xml")), l, { collectionAccounts: COLLECTION });
      expect(kinds(first.decisions)).to.deep.equal(["personalContribution", "personalContribution", "personalContribution", "personalContribution"]);
      remember(first.decisions, l.store);
      const corrected = classifyCamt054Entries(parseCamt054(qa("t6c.xml")), l, { collectionAccounts: COLLECTION });
      expect(kinds(corrected.decisions)).to.deep.equal(["conflict:RESEND_CONFLICT", "conflict:RESEND_CONFLICT", "conflict:RESEND_CONFLICT", "conflict:RESEND_CONFLICT"]);
      for (const d of corrected.decisions) {
        expect(d.kind === "conflict" && d.reason.en).to.contain("¥100.00").and.contain("¥999.00");
      }
      remember(corrected.decisions, l.store);
      // The same corrected file again: a duplicate of the conflict, not a second one.
      const again = classifyCamt054Entries(parseCamt054(qa("t6c.xml")), l, { collectionAccounts: COLLECTION });
      expect(kinds(again.decisions)).to.deep.equal(["duplicate:DUPLICATE", "duplicate:DUPLICATE", "duplicate:DUPLICATE", "duplicate:DUPLICATE"]);
    });

    it("reports the same end-to-end id booked on another date as a conflict, and an unchanged resend as a duplicate", () => {
      const l = lookup();
      remember(classifyCamt054Entries(parseCamt054(qa("t6a.xml")), l, { collectionAccounts: COLLECTION }).decisions, l.store);
      const otherDate = classifyCamt054Entries(parseCamt054(qa("t6d.xml")), l, { collectionAccounts: COLLECTION });
      expect(kinds(otherDate.decisions)).to.deep.equal(["conflict:RESEND_CONFLICT"]);
      const same = classifyCamt054Entries(parseCamt054(qa("t6b.xml")), l, { collectionAccounts: COLLECTION });
      // t6b: TX-T6-1 and E2E-T6-3 again (unchanged), and a new booking TX-T6-5.
      expect(kinds(same.decisions)).to.deep.equal(["duplicate:DUPLICATE", "duplicate:DUPLICATE", "personalContribution"]);
    });

    it("keys an end-to-end id without amount or date", () => {
      const doc = parseCamt054(qa("t6d.xml"));
      const entry = doc.notifications[0]!.entries[0]!;
      expect(camt054DedupKey(entry, entry.transactions[0])).to.equal("E2E|E2E-T6-3");
    });
  });

  describe("amounts against the entry", () => {
    const t5 = () => classifyCamt054Entries(parseCamt054(qa("t5.v08.xml")), lookup(), { collectionAccounts: COLLECTION }).decisions;

    it("refuses a single transaction whose amount differs from its entry's, keeping the entry amount in suspense", () => {
      const d = t5()[13]!;
      expect(d.kind).to.equal("rejected");
      if (d.kind !== "rejected") return;
      expect(d.reason.code).to.equal("ENTRY_TOTAL_MISMATCH");
      expect(d.suspense).to.equal(true);
      expect(d.amountFen).to.equal(100n);
      expect(d.reason.en).to.contain("¥1.00").and.contain("¥5,000.00");
    });

    it("does not credit the CNY transaction of a CNY entry whose other transaction is in USD", () => {
      const xml = qa("b1.xml").toString("utf8").replace('<Amt Ccy="CNY">2.00</Amt>', '<Amt Ccy="USD">2.00</Amt>');
      const decisions = classifyCamt054Entries(parseCamt054(xml), lookup(), { collectionAccounts: COLLECTION }).decisions.filter((d) => d.source.entryIndex === 0);
      expect(kinds(decisions)).to.deep.equal(["rejected:ENTRY_TOTAL_MISMATCH", "rejected:CURRENCY_NOT_CNY"]);
      expect(decisions[0]!.kind === "rejected" && [decisions[0].suspense, decisions[0].amountFen]).to.deep.equal([true, 300n]);
    });

    it("refuses a CNY transaction in a USD entry as not CNY", () => {
      const d = t5()[14]!;
      expect(d.kind === "rejected" && d.reason.code).to.equal("CURRENCY_NOT_CNY");
      expect(d.kind === "rejected" && d.reason.en).to.contain("USD");
    });

    it("takes RvslInd 1 (xs:boolean) as a reversal, like true", () => {
      const decisions = t5();
      expect(decisions[12]!.kind === "rejected" && decisions[12]!.reason.code).to.equal("REVERSAL");
      expect(decisions[22]!.kind === "rejected" && decisions[22]!.reason.code).to.equal("REVERSAL");
    });

    it("puts a batch that does not add up in suspense once, for the entry amount, never for more than was booked", () => {
      const decisions = classifyCamt054Entries(parseCamt054(qa("b1.xml")), lookup(), { collectionAccounts: COLLECTION }).decisions;
      // Entry 2: ¥3.00 booked, transactions ¥1.00 + ¥2.50.
      const [a, b] = decisions.filter((d) => d.source.entryIndex === 1);
      expect(a!.kind === "rejected" && [a.reason.code, a.suspense, a.amountFen]).to.deep.equal(["ENTRY_TOTAL_MISMATCH", true, 300n]);
      expect(b!.kind === "rejected" && [b.reason.code, b.suspense]).to.deep.equal(["ENTRY_TOTAL_MISMATCH", false]);
      let suspended = 0n;
      for (const d of decisions) if (d.kind === "rejected" && d.suspense) suspended += d.amountFen ?? 0n;
      const booked = parseCamt054(qa("b1.xml")).notifications[0]!.entries.filter((e) => e.creditDebit === "CRDT").reduce((t, e) => t + (e.amount.fen ?? 0n), 0n);
      expect(suspended <= booked, `${suspended} in suspense, ${booked} booked`).to.equal(true);
    });
  });

  describe("reasons", () => {
    it("says a negative amount is negative and refuses it without suspense (no money was booked), and names the status of an account that is not open", () => {
      const decisions = classifyCamt054Entries(parseCamt054(qa("t5.v08.xml")), lookup(), { collectionAccounts: COLLECTION }).decisions;
      const negative = decisions[8]!;
      expect(negative.kind === "rejected" && [negative.reason.code, negative.reason.en, negative.suspense, negative.dedupKey]).to.deep.equal(
        ["AMOUNT_INVALID", 'Amount "-5.00" is negative: ISO 20022 amounts carry no sign (the direction is CdtDbtInd); not credited.', false, undefined],
      );
      const payingOut = { ...lookup(), pensionAccount: () => ({ open: false, status: "PayingOut" }) };
      const d = classifyCamt054Entries(parseCamt054(qa("t5.v08.xml")), payingOut, { collectionAccounts: COLLECTION }).decisions[0]!;
      expect(d.kind === "rejected" && d.reason.code).to.equal("PENSION_ACCOUNT_CLOSED");
      expect(d.kind === "rejected" && d.reason.en).to.contain("is paying out").and.not.contain("closed");
    });
  });

  describe("debit reversals", () => {
    it("recognises a DBIT with RvslInd of a credited booking as REVERSAL to suspense, naming the credit's key; once", () => {
      const l = lookup();
      l.store.set("TX|TX-CONC-1", { amountFen: 100n, bookedAt: isoToUnixSeconds("2026-12-01")! });
      const result = classifyCamt054Entries(parseCamt054(qa("rvsl.xml")), l, { collectionAccounts: COLLECTION });
      const d = result.decisions[0]!;
      expect(d.kind).to.equal("rejected");
      if (d.kind !== "rejected") return;
      expect([d.reason.code, d.suspense, d.reverses, d.dedupKey]).to.deep.equal(["REVERSAL", true, "TX|TX-CONC-1", "RVSL|TX|TX-CONC-1"]);
      remember(result.decisions, l.store);
      const again = classifyCamt054Entries(parseCamt054(qa("rvsl.xml")), l, { collectionAccounts: COLLECTION });
      expect(again.decisions[0]!.kind).to.equal("duplicate");
    });

    it("leaves a debit reversal of a booking never processed out of suspense", () => {
      const d = classifyCamt054Entries(parseCamt054(qa("rvsl.xml")), lookup(), { collectionAccounts: COLLECTION }).decisions[0]!;
      expect(d.kind === "rejected" && [d.reason.code, d.suspense]).to.deep.equal(["REVERSAL", false]);
    });
  });
});

describe("bank XML errors (QA findings)", () => {
  const fail = (bytes: Buffer) => {
    try {
      parseCamt054(bytes);
    } catch (e) {
      return e as BankMessageError;
    }
    throw new Error("parsed");
  };

  it("reports a truncated document at its end, naming the elements left open", () => {
    const bytes = qa("s_trunc.xml");
    const e = fail(bytes);
    const text = bytes.toString("utf8");
    const lines = text.split("\n");
    expect(e.code).to.equal("XML_MALFORMED");
    expect(e.details).to.deep.include({ line: lines.length, column: lines.at(-1)!.length + 1 });
    expect((e.details as { unclosedElements: string[] }).unclosedElements.slice(0, 3)).to.deep.equal(["Document", "BkToCstmrDbtCdtNtfctn", "Ntfctn"]);
    expect(e.message).to.contain("truncated");
  });

  it("says the root element is wrong when the namespace is right", () => {
    const e = fail(qa("s_root.xml"));
    expect(e.code).to.equal("MESSAGE_TYPE_UNSUPPORTED");
    expect(e.message).to.equal('The root element is <Dokument>: an ISO 20022 message has the root element <Document> (the namespace "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08" is right).');
  });
});

describe("dedup keys stored by earlier versions", () => {
  it("still recognises a booking processed under the old account-prefixed key, so an upgrade credits nothing twice", () => {
    const store = new Map<string, ProcessedBookingInfo>([["110012345000526001|TX|TX-I-1", { amountFen: null, bookedAt: null }]]);
    const result = classifyCamt054Entries(parseCamt054(qa("i1.xml")), lookup(store), { collectionAccounts: COLLECTION });
    expect(result.decisions[0]!.kind).to.equal("duplicate");
  });
});
