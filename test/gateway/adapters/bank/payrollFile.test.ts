import { expect } from "chai";
import { residentIdCheckCharacter } from "../../../../gateway/domain/residentId.js";
import { parsePayrollFile, type PayrollFileOptions } from "../../../../gateway/adapters/bank/payrollFile.js";
import { formatPayrollReference } from "../../../../gateway/adapters/bank/pensionReference.js";
import { fixture } from "./samples.js";

const TODAY = new Date("2026-11-20T00:00:00Z");

/** A valid resident ID for employee number i (unique per i, born 1970 onwards). */
function residentId(i: number): string {
  const birth = new Date(Date.UTC(1970, 0, 1) + Math.floor(i / 999) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "");
  const first17 = `110105${birth}${String((i % 999) + 1).padStart(3, "0")}`;
  return first17 + residentIdCheckCharacter(first17);
}

type Row = [id: string, wage: string | number, employer: string | number, employee: string | number];

function csv(rows: Row[], total?: bigint, reference = formatPayrollReference(202611000001n)): string {
  const sum = total ?? rows.reduce((s, r) => s + BigInt(r[2]) + BigInt(r[3]), 0n);
  return [
    `payrollReference,${reference}`,
    "planId,EA-PLAN-0001",
    "period,2026-11",
    `declaredTotalFen,${sum}`,
    "employer,91310000MA1FL0001X",
    "residentId,wageBaseFen,employerFen,employeeFen",
    ...rows.map((r) => r.join(",")),
  ].join("\n");
}

const options = (mode: PayrollFileOptions["mode"] = "rejectWhole", extra: Partial<PayrollFileOptions> = {}): PayrollFileOptions => ({
  format: "csv",
  mode,
  today: TODAY,
  ...extra,
});

function codesByLine(result: ReturnType<typeof parsePayrollFile>): string[] {
  return result.errors.map((e) => `${e.line}:${e.field}:${e.code}`);
}

describe("payroll contribution files", () => {
  describe("parsePayrollFile", () => {
    it("accepts the CSV fixture whose total matches the payroll booking in camt054.v04.payroll.xml", () => {
      const result = parsePayrollFile(fixture("payroll.2026-11.csv"), options());
      expect(result.status).to.equal("accepted");
      expect(result.errors).to.deep.equal([]);
      expect(result.header).to.deep.equal({
        payrollReference: "PR000020261100000174",
        planId: "EA-PLAN-0001",
        period: "2026-11",
        declaredTotalFen: 139200n,
        employer: "91310000MA1FL0001X",
      });
      expect(result.acceptedLines.map((l) => l.line)).to.deep.equal([7, 8, 9]);
      expect(result.acceptedLines[0]).to.deep.include({ birthDate: "1980-01-01", wageBaseFen: 1000000n, employerFen: 80000n, employeeFen: 40000n });
      expect(result.totals).to.include({ lines: 3, acceptedLines: 3, acceptedTotalFen: 139200n, acceptedEmployerFen: 92800n, acceptedEmployeeFen: 46400n });
    });

    it("accepts the JSON fixture with integers or digit strings and normalises a lowercase x", () => {
      const result = parsePayrollFile(fixture("payroll.2026-11.json"), options("rejectWhole", { format: "json" }));
      expect(result.status).to.equal("accepted");
      expect(result.acceptedLines.map((l) => l.line)).to.deep.equal([1, 2, 3]);
      expect(result.acceptedLines[2]!.residentId).to.equal("44030519921130003X");
      expect(result.totals.acceptedTotalFen).to.equal(139200n);
    });

    it("accepts Chinese header keys and column names", () => {
      const text = csv([[residentId(1), 10000, 800, 400]])
        .replace("payrollReference", "批次号").replace("planId", "计划编号").replace("period", "所属期")
        .replace("declaredTotalFen", "合计金额分").replace("employer,", "单位,")
        .replace("residentId,wageBaseFen,employerFen,employeeFen", "身份证号,缴费基数分,单位缴费分,个人缴费分");
      expect(parsePayrollFile(text, options()).status).to.equal("accepted");
    });

    it("accepts an employer part of exactly 8 % and refuses one fen more", () => {
      const ok = parsePayrollFile(csv([[residentId(1), 100000, 8000, 0]]), options());
      expect(ok.status).to.equal("accepted");
      const bad = parsePayrollFile(csv([[residentId(1), 100000, 8001, 0]]), options());
      expect(bad.status).to.equal("rejected");
      expect(codesByLine(bad)).to.deep.equal(["7:employerFen:EMPLOYER_ABOVE_8_PERCENT"]);
    });

    it("accepts employer plus employee of exactly 12 % and refuses one fen more", () => {
      expect(parsePayrollFile(csv([[residentId(1), 100000, 8000, 4000]]), options()).status).to.equal("accepted");
      const bad = parsePayrollFile(csv([[residentId(1), 100000, 8000, 4001]]), options());
      expect(codesByLine(bad)).to.deep.equal(["7:employeeFen:TOTAL_ABOVE_12_PERCENT"]);
    });

    it("applies the 12 % limit with integer arithmetic on a wage base not divisible by 100", () => {
      // 12 % of 33,333 fen is 3,999.96 fen: 3,999 is allowed, 4,000 is not.
      expect(parsePayrollFile(csv([[residentId(1), 33333, 0, 3999]]), options()).status).to.equal("accepted");
      expect(codesByLine(parsePayrollFile(csv([[residentId(1), 33333, 0, 4000]]), options()))).to.deep.equal(["7:employeeFen:TOTAL_ABOVE_12_PERCENT"]);
    });

    it("accepts an employer part of exactly 5 times the file's average and refuses one fen more", () => {
      const others: Row[] = [2, 3, 4, 5, 6].map((i) => [residentId(i), 10000, 100, 0]);
      // 6 lines: E × 6 ≤ 5 × (E + 500) ⇔ E ≤ 2500
      expect(parsePayrollFile(csv([[residentId(1), 40000, 2500, 0], ...others]), options()).status).to.equal("accepted");
      const bad = parsePayrollFile(csv([[residentId(1), 40000, 2501, 0], ...others]), options());
      expect(codesByLine(bad)).to.deep.equal(["7:employerFen:EMPLOYER_ABOVE_5X_AVERAGE"]);
    });

    it("lists every bad line with line number, field and reason, and never echoes the ID number", () => {
      const badCheck = residentId(2).slice(0, 17) + (residentId(2).endsWith("0") ? "1" : "0");
      const result = parsePayrollFile(
        csv([
          [residentId(1), 100000, 8000, 4000],
          [badCheck, 100000, 8000, 4000],
          [residentId(3), "12.50", 100, 100],
          [residentId(4), 0, 0, 0],
          [residentId(1), 100000, 100, 100],
        ]),
        options(),
      );
      expect(result.status).to.equal("rejected");
      expect(result.acceptedLines).to.deep.equal([]);
      expect(codesByLine(result)).to.deep.equal([
        "8:residentId:RESIDENT_ID_INVALID",
        "9:wageBaseFen:AMOUNT_INVALID",
        "10:wageBaseFen:WAGE_BASE_NOT_POSITIVE",
        "11:residentId:DUPLICATE_EMPLOYEE",
      ]);
      expect(result.errors[0]!.en).to.include("check character");
      expect(result.errors[0]!.zh).to.include("校验码");
      expect(result.errors[3]!.en).to.include("line 7");
      for (const e of result.errors) expect(`${e.zh}${e.en}`).to.not.include(badCheck.slice(0, 14));
    });

    it("accepts only the good lines when the employer asked for that, with the accepted total", () => {
      const result = parsePayrollFile(
        csv([
          [residentId(1), 100000, 8000, 4000],
          [residentId(2), 100000, 9000, 0],
          [residentId(3), 50000, 4000, 2000],
        ]),
        options("acceptGoodLines"),
      );
      expect(result.status).to.equal("partiallyAccepted");
      expect(result.acceptedLines.map((l) => l.line)).to.deep.equal([7, 9]);
      expect(codesByLine(result)).to.deep.equal(["8:employerFen:EMPLOYER_ABOVE_8_PERCENT"]);
      expect(result.totals).to.include({ lines: 3, acceptedLines: 2, rejectedLines: 1, acceptedTotalFen: 18000n, computedTotalFen: 27000n });
    });

    it("rejects the whole file when the declared total differs from the sum, even when accepting good lines", () => {
      const result = parsePayrollFile(csv([[residentId(1), 100000, 8000, 4000]], 11999n), options("acceptGoodLines"));
      expect(result.status).to.equal("rejected");
      expect(codesByLine(result)).to.deep.equal(["4:declaredTotalFen:DECLARED_TOTAL_MISMATCH"]);
    });

    it("rejects a file with a bad batch reference, a bad period or a missing header field", () => {
      const badRef = csv([[residentId(1), 100000, 8000, 4000]], undefined, "PR000020261100000175");
      expect(codesByLine(parsePayrollFile(badRef, options()))).to.deep.equal(["1:payrollReference:HEADER_INVALID"]);
      const badPeriod = csv([[residentId(1), 100000, 8000, 4000]]).replace("2026-11", "2026-13");
      expect(codesByLine(parsePayrollFile(badPeriod, options()))).to.deep.equal(["3:period:HEADER_INVALID"]);
      const noPlan = csv([[residentId(1), 100000, 8000, 4000]]).replace("planId,EA-PLAN-0001\n", "");
      const result = parsePayrollFile(noPlan, options("acceptGoodLines"));
      expect(result.status).to.equal("rejected");
      expect(codesByLine(result)).to.deep.equal(["0:planId:HEADER_MISSING"]);
    });

    it("rejects a file without lines or without the column row", () => {
      expect(codesByLine(parsePayrollFile(csv([]), options()))).to.deep.equal(["0:lines:NO_LINES"]);
      const noColumns = csv([[residentId(1), 1, 0, 0]]).replace("residentId,wageBaseFen,employerFen,employeeFen\n", "");
      expect(parsePayrollFile(noColumns, options()).status).to.equal("rejected");
    });

    it("accepts exactly maxLines lines and rejects the file with one more", () => {
      const rows: Row[] = [1, 2, 3].map((i) => [residentId(i), 10000, 800, 400]);
      expect(parsePayrollFile(csv(rows), options("rejectWhole", { maxLines: 3 })).status).to.equal("accepted");
      const more = parsePayrollFile(csv([...rows, [residentId(4), 10000, 800, 400]]), options("acceptGoodLines", { maxLines: 3 }));
      expect(more.status).to.equal("rejected");
      expect(codesByLine(more)).to.deep.equal(["0:lines:TOO_MANY_LINES"]);
    });

    it("in acceptGoodLines mode applies the 5x rule over the accepted lines, again after each drop, until no line breaks it", () => {
      // Lines 7–11: 100 fen; line 12: 8,000 fen; lines 13–14: not enrolled, 8,000 fen each.
      // Over all 8 lines: 8,000 × 8 = 64,000 ≤ 5 × 24,500. Over the 6 enrolled ones: 8,000 × 6 = 48,000 > 5 × 8,500.
      const small: Row[] = [1, 2, 3, 4, 5].map((i) => [residentId(i), 100000, 100, 100]);
      const rows: Row[] = [...small, [residentId(6), 100000, 8000, 0], [residentId(7), 100000, 8000, 0], [residentId(8), 100000, 8000, 0]];
      const enrolled = new Set([1, 2, 3, 4, 5, 6].map(residentId));
      const result = parsePayrollFile(csv(rows), options("acceptGoodLines", { isEnrolled: (id) => enrolled.has(id) }));
      expect(codesByLine(result)).to.deep.equal([
        "12:employerFen:EMPLOYER_ABOVE_5X_AVERAGE",
        "13:residentId:NOT_ENROLLED",
        "14:residentId:NOT_ENROLLED",
      ]);
      expect(result.errors[0]!.en).to.equal("The employer part is above 5 times the average employer part of the file's accepted lines.");
      expect(result.acceptedLines.map((l) => l.line)).to.deep.equal([7, 8, 9, 10, 11]);
      // The accepted lines meet the rule the ledger checks: employer × employees ≤ 5 × employer total.
      const n = BigInt(result.acceptedLines.length);
      expect(result.acceptedLines.every((l) => l.employerFen * n <= 5n * result.totals.acceptedEmployerFen)).to.equal(true);
    });

    it("drops a second line in acceptGoodLines mode when dropping the first lowers the average below its 5x", () => {
      // 10 lines of 100, one of 1,000, one of 3,000. Over all 12 (Σ 5,000): 3,000 × 12 = 36,000 > 25,000, dropped;
      // 1,000 × 12 = 12,000 passes. Then over 11 (Σ 2,000): 1,000 × 11 = 11,000 > 10,000, dropped too; 10 × 100 is fine.
      const rows: Row[] = [...Array.from({ length: 10 }, (_, i): Row => [residentId(i + 1), 100000, 100, 0]),
        [residentId(11), 100000, 1000, 0], [residentId(12), 100000, 3000, 0]];
      const result = parsePayrollFile(csv(rows), options("acceptGoodLines"));
      expect(codesByLine(result)).to.deep.equal(["17:employerFen:EMPLOYER_ABOVE_5X_AVERAGE", "18:employerFen:EMPLOYER_ABOVE_5X_AVERAGE"]);
      expect(result.totals.acceptedLines).to.equal(10);
      // rejectWhole keeps the file's average: only the 3,000 line is named.
      expect(codesByLine(parsePayrollFile(csv(rows), options()))).to.deep.equal(["18:employerFen:EMPLOYER_ABOVE_5X_AVERAGE"]);
    });

    it("checks enrolment in the plan when the caller provides it", () => {
      const enrolled = new Set([residentId(1)]);
      const result = parsePayrollFile(
        csv([[residentId(1), 100000, 8000, 4000], [residentId(2), 100000, 8000, 4000]]),
        options("acceptGoodLines", { isEnrolled: (id, plan) => plan === "EA-PLAN-0001" && enrolled.has(id) }),
      );
      expect(codesByLine(result)).to.deep.equal(["8:residentId:NOT_ENROLLED"]);
      expect(result.acceptedLines.map((l) => l.line)).to.deep.equal([7]);
    });

    it("refuses JSON amounts written with a decimal point or an exponent (1e2, 100.0) instead of reading them as fen, naming the literal", () => {
      const json = fixture("payroll.2026-11.json").toString("utf8")
        .replace('"wageBaseFen": 1000000, "employerFen": 80000', '"wageBaseFen": 1e6, "employerFen": 80000.0')
        .replace('"declaredTotalFen": "139200"', '"declaredTotalFen": 1.392e5');
      const result = parsePayrollFile(json, options("rejectWhole", { format: "json" }));
      expect(result.status).to.equal("rejected");
      expect(codesByLine(result)).to.include.members(["1:wageBaseFen:AMOUNT_INVALID", "1:employerFen:AMOUNT_INVALID", "0:declaredTotalFen:HEADER_INVALID"]);
      const wage = result.errors.find((e) => e.field === "wageBaseFen")!;
      expect(wage.en).to.equal("wageBaseFen must be a non-negative integer number of fen; 1e6 (a decimal point or an exponent) is not allowed.");
      expect(result.errors.find((e) => e.field === "employerFen")!.en).to.contain("80000.0");
      // The integers of the fixture itself are still read.
      expect(parsePayrollFile(fixture("payroll.2026-11.json"), options("rejectWhole", { format: "json" })).status).to.equal("accepted");
    });

    it("says a negative amount is negative", () => {
      const json = fixture("payroll.2026-11.json").toString("utf8").replace('"employeeFen": 2400', '"employeeFen": -2400');
      const result = parsePayrollFile(json, options("acceptGoodLines", { format: "json" }));
      const e = result.errors.find((x) => x.field === "employeeFen")!;
      expect([e.line, e.code, e.en]).to.deep.equal([3, "AMOUNT_INVALID", "employeeFen is negative (-2400); it must be a non-negative integer number of fen."]);
    });

    it("rejects unreadable JSON and a JSON file without lines", () => {
      expect(codesByLine(parsePayrollFile("{", options("rejectWhole", { format: "json" })))).to.deep.equal(["0:file:FILE_UNREADABLE"]);
      const noLines = JSON.stringify({ payrollReference: formatPayrollReference(1n), planId: "P", period: "2026-11", declaredTotalFen: 0, employer: "E" });
      expect(codesByLine(parsePayrollFile(noLines, options("rejectWhole", { format: "json" })))).to.deep.equal(["0:lines:COLUMNS_MISSING"]);
    });

    it("accepts a 10,000-line file and sums it exactly", () => {
      const rows: Row[] = Array.from({ length: 10_000 }, (_, i) => [residentId(i), 800_000 + i, 64_000, 32_000]);
      const result = parsePayrollFile(csv(rows), options());
      expect(result.status).to.equal("accepted");
      expect(result.totals.acceptedLines).to.equal(10_000);
      expect(result.totals.acceptedTotalFen).to.equal(960_000_000n);
      expect(new Set(result.acceptedLines.map((l) => l.residentId)).size).to.equal(10_000);
    });
  });

  describe("amounts the ledger can record (uint64 fen)", () => {
    const MAX = 2n ** 64n - 1n;
    it("refuses a wage base, employer or employee part above 2^64 − 1 fen on that line, naming the field, and accepts 2^64 − 1", () => {
      const rows: Row[] = [
        [residentId(1), String(MAX), "1000", "1000"],
        [residentId(2), String(MAX + 1n), "1000", "1000"],
        [residentId(3), "1000000", "1000", "99999999999999999999999"],
        [residentId(4), "1000000", "1000", "1000"],
      ];
      const result = parsePayrollFile(csv(rows), options("acceptGoodLines"));
      expect(codesByLine(result)).to.include.members(["8:wageBaseFen:AMOUNT_TOO_LARGE", "9:employeeFen:AMOUNT_TOO_LARGE"]);
      expect(result.errors.filter((e) => e.line === 7)).to.deep.equal([]);
      expect(result.acceptedLines.map((l) => l.line)).to.deep.equal([7, 10]);
      const tooLarge = result.errors.find((e) => e.code === "AMOUNT_TOO_LARGE")!;
      expect(tooLarge.zh).to.match(/[\u4e00-\u9fff]/);
      expect(tooLarge.en).to.contain(String(MAX));
    });

    it("rejects the whole file in rejectWhole mode when one amount is above 2^64 − 1 fen", () => {
      const result = parsePayrollFile(csv([[residentId(1), "1000000", String(MAX + 1n), "0"], [residentId(2), "1000000", "1000", "1000"]]), options());
      expect(result.status).to.equal("rejected");
      expect(codesByLine(result)).to.include("7:employerFen:AMOUNT_TOO_LARGE");
    });
  });
});

