import { expect } from "chai";
import {
  findPayrollReference,
  findPensionReference,
  formatPayrollReference,
  formatPensionReference,
  parsePayrollReference,
  parsePensionReference,
} from "../../../../gateway/adapters/bank/pensionReference.js";

const SAMPLE_SERIALS = [0n, 1n, 1234n, 2026000000004711n, 9999999999999999n];

/** Every string that differs from `ref` in exactly one digit. */
function singleDigitSubstitutions(ref: string): string[] {
  const out: string[] = [];
  for (let i = 2; i < ref.length; i++) {
    for (let d = 0; d <= 9; d++) {
      const ch = String(d);
      if (ch !== ref[i]) out.push(ref.slice(0, i) + ch + ref.slice(i + 1));
    }
  }
  return out;
}

/** Every string obtained by swapping two adjacent, different digits of `ref`. */
function adjacentTranspositions(ref: string): string[] {
  const out: string[] = [];
  for (let i = 2; i < ref.length - 1; i++) {
    if (ref[i] !== ref[i + 1]) out.push(ref.slice(0, i) + ref[i + 1] + ref[i] + ref.slice(i + 2));
  }
  return out;
}

describe("pension and payroll references", () => {
  describe("formatPensionReference", () => {
    it("produces PA, 16 zero-padded serial digits and 2 check digits", () => {
      const ref = formatPensionReference(1234n);
      expect(ref).to.match(/^PA0{12}1234\d{2}$/);
    });

    it("produces the check digits of ISO 7064 MOD 97-10 as for an IBAN (whole reference ≡ 1 mod 97)", () => {
      for (const serial of SAMPLE_SERIALS) {
        const ref = formatPensionReference(serial);
        const numeric = BigInt("2510" + ref.slice(2)); // P = 25, A = 10
        expect(numeric % 97n, ref).to.equal(1n);
      }
    });

    it("accepts the smallest and largest serials and rejects one beyond each end", () => {
      expect(formatPensionReference(0n)).to.have.length(20);
      expect(formatPensionReference(10n ** 16n - 1n)).to.have.length(20);
      expect(() => formatPensionReference(-1n)).to.throw(RangeError);
      expect(() => formatPensionReference(10n ** 16n)).to.throw(RangeError);
    });
  });

  describe("parsePensionReference", () => {
    it("round-trips every sample serial", () => {
      for (const serial of SAMPLE_SERIALS) {
        const ref = formatPensionReference(serial);
        expect(parsePensionReference(ref)).to.deep.equal({ ok: true, serial, reference: ref });
      }
    });

    it("tolerates lowercase, spaces and hyphens and returns the canonical form", () => {
      const ref = formatPensionReference(2026000000004711n);
      const messy = " " + ref.toLowerCase().replace(/(.{4})/g, "$1 ").replace("pa", "p-a") + " ";
      expect(parsePensionReference(messy)).to.deep.equal({ ok: true, serial: 2026000000004711n, reference: ref });
    });

    it("catches every single-digit substitution of every sample as bad check digits", () => {
      for (const serial of SAMPLE_SERIALS) {
        const variants = singleDigitSubstitutions(formatPensionReference(serial));
        expect(variants).to.have.length(18 * 9);
        for (const v of variants) expect(parsePensionReference(v), v).to.deep.equal({ ok: false, reason: "checkDigits" });
      }
    });

    it("catches every adjacent transposition of every sample as bad check digits", () => {
      let checked = 0;
      for (const serial of SAMPLE_SERIALS) {
        for (const v of adjacentTranspositions(formatPensionReference(serial))) {
          checked++;
          expect(parsePensionReference(v), v).to.deep.equal({ ok: false, reason: "checkDigits" });
        }
      }
      expect(checked).to.be.greaterThan(20);
    });

    it("reports a format error for a wrong prefix, a wrong length or a non-digit", () => {
      const ref = formatPensionReference(42n);
      expect(parsePensionReference("PX" + ref.slice(2))).to.deep.equal({ ok: false, reason: "format" });
      expect(parsePensionReference(ref.slice(0, -1))).to.deep.equal({ ok: false, reason: "format" });
      expect(parsePensionReference(ref + "0")).to.deep.equal({ ok: false, reason: "format" });
      expect(parsePensionReference(ref.slice(0, 5) + "O" + ref.slice(6))).to.deep.equal({ ok: false, reason: "format" });
      expect(parsePensionReference("")).to.deep.equal({ ok: false, reason: "format" });
    });

    it("rejects a payroll reference given as a pension reference", () => {
      expect(parsePensionReference(formatPayrollReference(42n))).to.deep.equal({ ok: false, reason: "format" });
    });
  });

  describe("findPensionReference", () => {
    const ref = formatPensionReference(2026000000004711n);

    it("finds a reference inside Chinese and English free text", () => {
      expect(findPensionReference(`个人养老金缴费 ${ref} 2026年`)).to.deep.equal({
        status: "found",
        serial: 2026000000004711n,
        reference: ref,
      });
      expect(findPensionReference(`Contribution/${ref.toLowerCase()}/Nov`)).to.include({ status: "found", reference: ref });
    });

    it("finds a reference typed in groups of four with lowercase letters", () => {
      const spaced = ref.toLowerCase().replace(/(.{4})/g, "$1 ").trim();
      expect(findPensionReference(`ref: ${spaced} thanks`)).to.include({ status: "found", reference: ref });
    });

    it("finds a reference typed in full-width characters with an ideographic space", () => {
      const fullWidth = [...ref].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
      expect(findPensionReference(`养老金\u3000${fullWidth}`)).to.include({ status: "found", reference: ref });
      expect(parsePensionReference(fullWidth)).to.include({ ok: true, reference: ref });
    });

    it("reports a reference with bad check digits as invalid, naming the candidate", () => {
      const bad = ref.slice(0, 10) + (ref[10] === "9" ? "8" : "9") + ref.slice(11);
      expect(findPensionReference(`缴费 ${bad}`)).to.deep.equal({ status: "invalid", reason: "checkDigits", candidate: bad });
    });

    it("reports a reference with a missing digit as a format error", () => {
      expect(findPensionReference(`缴费 ${ref.slice(0, -1)}`)).to.include({ status: "invalid", reason: "format" });
    });

    it("reports absent when there is no reference, even with the letters PA in words", () => {
      expect(findPensionReference("PAYMENT FOR INVOICE 12345")).to.deep.equal({ status: "absent" });
      expect(findPensionReference("")).to.deep.equal({ status: "absent" });
      expect(findPensionReference("SEPA transfer 1234567890123456789")).to.deep.equal({ status: "absent" });
    });

    it("prefers a valid reference over an invalid one, and the same reference twice is still one", () => {
      const bad = ref.slice(0, -1) + (ref.endsWith("0") ? "1" : "0");
      expect(findPensionReference(`${bad} ${ref} ${ref}`)).to.include({ status: "found", reference: ref });
    });

    it("reports two different valid references as ambiguous", () => {
      const other = formatPensionReference(7n);
      expect(findPensionReference(`${ref} ${other}`)).to.deep.equal({ status: "ambiguous", references: [ref, other] });
    });
  });

  describe("payroll references", () => {
    it("round-trips and uses the PR prefix", () => {
      const ref = formatPayrollReference(202611000123n);
      expect(ref).to.match(/^PR\d{18}$/);
      expect(parsePayrollReference(ref)).to.deep.equal({ ok: true, serial: 202611000123n, reference: ref });
    });

    it("catches every single-digit substitution and adjacent transposition", () => {
      const ref = formatPayrollReference(202611000123n);
      for (const v of [...singleDigitSubstitutions(ref), ...adjacentTranspositions(ref)]) {
        expect(parsePayrollReference(v), v).to.deep.equal({ ok: false, reason: "checkDigits" });
      }
    });

    it("does not accept a pension reference with its prefix changed to PR", () => {
      const pension = formatPensionReference(202611000123n);
      expect(parsePayrollReference("PR" + pension.slice(2))).to.deep.equal({ ok: false, reason: "checkDigits" });
    });

    it("finds a payroll reference in remittance text and not a pension one", () => {
      const ref = formatPayrollReference(5n);
      expect(findPayrollReference(`工资批次 ${ref}`)).to.include({ status: "found", reference: ref });
      expect(findPayrollReference(formatPensionReference(5n))).to.deep.equal({ status: "absent" });
    });
  });
});
