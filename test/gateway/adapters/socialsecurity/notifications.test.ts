import { createHash } from "node:crypto";
import { expect } from "chai";
import { AppError } from "../../../../gateway/errors.js";
import { residentIdCheckCharacter } from "../../../../gateway/domain/residentId.js";
import {
  canonicalNotificationJson,
  decodeNotificationFile,
  evidenceHash,
  parseNotificationsCsv,
  parseNotificationsJson,
  parseNotificationsJsonFile,
  validateNotification,
  type NotificationParseResult,
} from "../../../../gateway/adapters/socialsecurity/notifications.js";

const TODAY = new Date("2026-06-15T04:00:00Z"); // 2026-06-15 in Shanghai
const MAN = "11010519600315001" + residentIdCheckCharacter("11010519600315001"); // born 1960-03-15, male
const WOMAN = "11010519491231002X"; // born 1949-12-31, female (check character worked by hand in residentId.test.ts)

const manRetired = {
  residentId: MAN,
  eventType: "retirement",
  effectiveDate: "2020-04-01",
  certificateNumber: "BJ-TX-2020-000123",
  issuingOffice: "北京市东城区社会保险事业管理中心",
  gender: "male",
};

function failure(results: NotificationParseResult[], index = 0) {
  const r = results[index];
  if (r.ok) throw new Error(`record ${index} was accepted`);
  return r;
}

function fileErrorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("social-security notifications", () => {
  describe("parseNotificationsJson", () => {
    it("accepts a man's retirement as a single object, on line 1", () => {
      expect(parseNotificationsJson(manRetired, { today: TODAY })).to.deep.equal([
        { ok: true, line: 1, record: { ...manRetired, eventType: "retirement", gender: "male" } },
      ]);
    });

    it("accepts a woman's retirement with her original age and normalises the ID number and spacing", () => {
      const [r] = parseNotificationsJson(
        {
          residentId: WOMAN.toLowerCase(),
          eventType: "retirement",
          effectiveDate: "2005-01-01",
          certificateNumber: " 京社退字〔2005〕12号 ",
          issuingOffice: "北京市社会保险基金管理中心",
          gender: "female",
          originalRetirementAge: 55,
          memberName: "王芳",
        },
        { today: TODAY },
      );
      expect(r).to.deep.equal({
        ok: true,
        line: 1,
        record: {
          residentId: WOMAN,
          eventType: "retirement",
          effectiveDate: "2005-01-01",
          certificateNumber: "京社退字〔2005〕12号",
          issuingOffice: "北京市社会保险基金管理中心",
          gender: "female",
          originalRetirementAge: 55,
          memberName: "王芳",
        },
      });
    });

    it("accepts every event type, gender being optional except for retirement", () => {
      for (const eventType of [
        "lossOfWorkCapacity", "emigration", "death", "seriousIllness", "longUnemployment", "minimumLivingAllowance",
      ]) {
        const { gender: _omitted, ...rest } = manRetired;
        const [r] = parseNotificationsJson({ ...rest, eventType }, { today: TODAY });
        expect(r.ok, eventType).to.equal(true);
      }
    });

    it("reports each bad record by position and still accepts the rest", () => {
      const results = parseNotificationsJson(
        [manRetired, { ...manRetired, eventType: "promotion" }, { ...manRetired, certificateNumber: "BJ-2" }],
        { today: TODAY },
      );
      expect(results.map((r) => [r.line, r.ok])).to.deep.equal([[1, true], [2, false], [3, true]]);
      expect(failure(results, 1)).to.deep.include({ field: "eventType" });
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["a missing ID number", { residentId: undefined }, "residentId", /required/],
      ["a wrong check character", { residentId: MAN.slice(0, 17) + (MAN[17] === "1" ? "2" : "1") }, "residentId", /checkCharacter/],
      ["a short ID number", { residentId: MAN.slice(0, 15) }, "residentId", /\(length\)/],
      ["an ID number sent as a number", { residentId: 110105196003150011 }, "residentId", /string/],
      ["an unknown event type", { eventType: "promotion" }, "eventType", /unknown event type/],
      ["a date tomorrow", { effectiveDate: "2026-06-16" }, "effectiveDate", /future/],
      ["an impossible date", { effectiveDate: "2026-02-30" }, "effectiveDate", /real date/],
      ["a date in another format", { effectiveDate: "2020/04/01" }, "effectiveDate", /real date/],
      ["a date before birth", { effectiveDate: "1960-03-14" }, "effectiveDate", /birth/],
      ["a missing certificate number", { certificateNumber: "" }, "certificateNumber", /required/],
      ["a blank certificate number", { certificateNumber: "   " }, "certificateNumber", /required/],
      ["a 65-character certificate number", { certificateNumber: "A".repeat(65) }, "certificateNumber", /1 to 64/],
      ["a certificate number with a comma", { certificateNumber: "A,1" }, "certificateNumber", /only letters/],
      ["a missing issuing office", { issuingOffice: undefined }, "issuingOffice", /required/],
      ["an office with a line break", { issuingOffice: "A\nB" }, "issuingOffice", /control/],
      ["a retirement without gender", { gender: undefined }, "gender", /required for retirement/],
      ["a gender that contradicts the ID number", { gender: "female" }, "gender", /does not match/],
      ["an unknown gender", { gender: "M" }, "gender", /male or female/],
      ["an original age for a man", { originalRetirementAge: 55 }, "originalRetirementAge", /women only/],
      ["a correction of itself", { correctsCertificateNumber: "BJ-TX-2020-000123" }, "correctsCertificateNumber", /differ/],
      ["a name of 101 characters", { memberName: "张".repeat(101) }, "memberName", /1 to 100/],
      ["an unknown field", { phone: "13800000000" }, "record", /unknown field "phone"/],
    ];
    for (const [what, change, field, reason] of cases) {
      it(`rejects ${what}, naming the field ${field}`, () => {
        const r = failure(parseNotificationsJson({ ...manRetired, ...change }, { today: TODAY }));
        expect(r.field).to.equal(field);
        expect(r.reason).to.match(reason);
      });
    }

    it("accepts an effective date of today in Shanghai", () => {
      expect(parseNotificationsJson({ ...manRetired, effectiveDate: "2026-06-15" }, { today: TODAY })[0].ok).to.equal(true);
    });

    it("requires a woman's original retirement age for retirement and accepts only 50 or 55", () => {
      const woman = { ...manRetired, residentId: WOMAN, gender: "female", effectiveDate: "2000-01-01" };
      expect(failure(parseNotificationsJson(woman, { today: TODAY }))).to.deep.include({ field: "originalRetirementAge" });
      expect(failure(parseNotificationsJson({ ...woman, originalRetirementAge: 45 }, { today: TODAY }))).to.deep.include({
        field: "originalRetirementAge",
        reason: "must be 50 or 55",
      });
      expect(parseNotificationsJson({ ...woman, originalRetirementAge: "50" }, { today: TODAY })[0].ok).to.equal(true);
      const { gender: _g, ...death } = { ...woman, eventType: "death" };
      expect(parseNotificationsJson(death, { today: TODAY })[0].ok).to.equal(true);
    });

    it("accepts a correction and keeps the corrected certificate number", () => {
      const [r] = parseNotificationsJson(
        { ...manRetired, certificateNumber: "BJ-TX-2020-000124", correctsCertificateNumber: "BJ-TX-2020-000123" },
        { today: TODAY },
      );
      expect(r.ok && r.record.correctsCertificateNumber).to.equal("BJ-TX-2020-000123");
    });

    it("rejects a non-object item as a record error", () => {
      const results = parseNotificationsJson([manRetired, "x", null, [1]], { today: TODAY });
      expect(results.slice(1).map((r) => !r.ok && r.field)).to.deep.equal(["record", "record", "record"]);
    });

    it("never puts the ID number or the name into a reason", () => {
      const badRecords = [
        { ...manRetired, memberName: "李四", residentId: MAN.slice(0, 17) + "X" },
        { ...manRetired, memberName: "李四", gender: "female" },
        { ...manRetired, memberName: "李四", effectiveDate: "2099-01-01" },
      ];
      for (const r of parseNotificationsJson(badRecords, { today: TODAY })) {
        if (r.ok) throw new Error("expected a failure");
        expect(r.reason).to.not.include("李四");
        expect(r.reason).to.not.include(MAN.slice(0, 6));
        expect(r.reason).to.not.include("19600315");
      }
    });

    it("throws a file error for a scalar, an empty array and bad JSON text", () => {
      expect(fileErrorOf(() => parseNotificationsJson(42)).field).to.equal("file");
      expect(fileErrorOf(() => parseNotificationsJson([])).details?.reason).to.match(/no notifications/);
      expect(fileErrorOf(() => parseNotificationsJsonFile("[{")).details?.reason).to.equal("not valid JSON");
    });

    it("reads a JSON file with a byte-order mark", () => {
      const results = parseNotificationsJsonFile("\uFEFF" + JSON.stringify([manRetired]), { today: TODAY });
      expect(results[0].ok).to.equal(true);
    });
  });

  describe("validateNotification", () => {
    it("validates a single raw record", () => {
      expect(validateNotification(manRetired, { today: TODAY }).ok).to.equal(true);
      expect(validateNotification({ ...manRetired, eventType: 7 }, { today: TODAY })).to.deep.include({
        ok: false,
        field: "eventType",
      });
    });
  });

  describe("parseNotificationsCsv", () => {
    const header = "residentId,eventType,effectiveDate,certificateNumber,issuingOffice,gender,originalRetirementAge,correctsCertificateNumber,memberName";

    it("parses records by line, skipping blank lines, reporting bad lines and keeping the rest", () => {
      const csv = [
        header,
        `${MAN},retirement,2020-04-01,C-1,"Office 1, Dongcheng",male,,,张三`,
        "",
        `${MAN},retirement,2030-01-01,C-2,Office 1,male,,,`,
        `${WOMAN},death,2026-05-01,C-3,Office 2,,,,`,
      ].join("\n");
      const results = parseNotificationsCsv(csv, { today: TODAY });
      expect(results.map((r) => [r.line, r.ok])).to.deep.equal([[2, true], [4, false], [5, true]]);
      expect(results[0].ok && results[0].record).to.deep.equal({
        residentId: MAN,
        eventType: "retirement",
        effectiveDate: "2020-04-01",
        certificateNumber: "C-1",
        issuingOffice: "Office 1, Dongcheng",
        gender: "male",
        memberName: "张三",
      });
      expect(failure(results, 1)).to.deep.include({ field: "effectiveDate" });
    });

    it("accepts columns in any order with optional ones left out, CRLF line ends and a byte-order mark", () => {
      const csv = `\uFEFFeventType,issuingOffice,residentId,certificateNumber,effectiveDate\r\ndeath,Office 9,${WOMAN},D-9,2026-01-02\r\n`;
      const results = parseNotificationsCsv(csv, { today: TODAY });
      expect(results).to.have.length(1);
      expect(results[0]).to.deep.include({ ok: true, line: 2 });
    });

    it("confines a broken quote to its own line", () => {
      const csv = [header, `${MAN},death,2026-01-01,C-1,"Office 1,,,,`, `${MAN},death,2026-01-01,C-2,Office 2,,,,`].join("\n");
      const results = parseNotificationsCsv(csv, { today: TODAY });
      expect(results.map((r) => [r.line, r.ok])).to.deep.equal([[2, false], [3, true]]);
      expect(failure(results, 0)).to.deep.include({ field: "record", reason: "not valid CSV (check the quotes)" });
    });

    it("reports a line with the wrong number of cells", () => {
      const csv = [header, `${MAN},death,2026-01-01,C-1,Office 1`].join("\n");
      expect(failure(parseNotificationsCsv(csv, { today: TODAY }))).to.deep.include({
        line: 2,
        field: "record",
        reason: "has 5 cells, the header has 9",
      });
    });

    it("throws a file error for an unknown, duplicate or missing header column, and for no records", () => {
      const row = `${MAN},death,2026-01-01,C-1,Office 1`;
      const bad = [
        ["residentId,eventType,effectiveDate,certificateNumber,issuingOffice,phone", /unknown column/],
        ["residentId,eventType,effectiveDate,certificateNumber,residentId", /twice/],
        ["residentId,eventType,effectiveDate,certificateNumber", /lacks the required column issuingOffice/],
      ] as const;
      for (const [h, reason] of bad) {
        const err = fileErrorOf(() => parseNotificationsCsv(`${h}\n${row}\n`, { today: TODAY }));
        expect(err.code).to.equal("VALIDATION_FAILED");
        expect(err.field).to.equal("file");
        expect(err.details?.reason).to.match(reason);
      }
      expect(fileErrorOf(() => parseNotificationsCsv("", { today: TODAY })).details?.reason).to.equal("the file is empty");
      expect(fileErrorOf(() => parseNotificationsCsv(`${header}\n\n`, { today: TODAY })).details?.reason).to.match(
        /no notifications/,
      );
    });
  });

  describe("decodeNotificationFile", () => {
    it("decodes UTF-8 and drops a byte-order mark", () => {
      expect(decodeNotificationFile(Buffer.from("\uFEFF上海,a", "utf8"))).to.equal("上海,a");
    });

    it("refuses GBK bytes whole, naming the file, instead of reading replacement characters", () => {
      const gbk = Buffer.from([0x61, 0x2c, 0xc9, 0xcf, 0xba, 0xa3]); // "a,上海" in GBK
      let error: unknown;
      try {
        decodeNotificationFile(gbk);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(AppError);
      expect(error).to.include({ code: "VALIDATION_FAILED", field: "file" });
      expect((error as AppError).message).to.contain("not UTF-8");
    });
  });

  describe("evidenceHash", () => {
    // The member's pseudonym as the gateway computes it (HMAC-SHA256 of the ID number); any bytes32 will do here.
    const MEMBER = "0xabababababababababababababababababababababababababababababababab";

    it("is the SHA-256 of the documented canonical JSON, with the pseudonym in place of the ID number (written out by hand here)", () => {
      const canonical =
        `{"certificateNumber":"BJ-TX-2020-000123","effectiveDate":"2020-04-01","eventType":"retirement","gender":"male",` +
        `"issuingOffice":"北京市东城区社会保险事业管理中心","member":"${MEMBER}"}`;
      const [r] = parseNotificationsJson({ ...manRetired, memberName: "张三" }, { today: TODAY });
      if (!r.ok) throw new Error("expected a valid record");
      expect(canonicalNotificationJson(r.record, MEMBER)).to.equal(canonical);
      expect(canonicalNotificationJson(r.record, MEMBER)).to.not.include(MAN);
      expect(evidenceHash(r.record, MEMBER)).to.equal(`0x${createHash("sha256").update(canonical, "utf8").digest("hex")}`);
      expect(evidenceHash(r.record, MEMBER)).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("gives the documented example's hash (checked with sha256sum)", () => {
      const [r] = parseNotificationsJson({ ...manRetired, memberName: "张三" }, { today: TODAY });
      if (!r.ok) throw new Error("expected a valid record");
      expect(evidenceHash(r.record, MEMBER)).to.equal("0xe54c73afef997d143f2f23a5a7f690d42560a07f3dccc8d1a8310b3dce3c0686");
    });

    it("refuses anything but a pseudonym as the member (an ID number must never be hashed for the chain)", () => {
      const [r] = parseNotificationsJson(manRetired, { today: TODAY });
      if (!r.ok) throw new Error("expected a valid record");
      expect(() => evidenceHash(r.record, MAN)).to.throw(TypeError, /pseudonym/);
      expect(() => evidenceHash(r.record, MEMBER.toUpperCase().replace("0X", "0x"))).to.throw(TypeError);
    });

    it("puts the original age as a number and the corrected certificate in key order", () => {
      const [r] = parseNotificationsJson(
        {
          residentId: WOMAN, eventType: "retirement", effectiveDate: "2005-01-01", certificateNumber: "C-2",
          issuingOffice: "O", gender: "female", originalRetirementAge: "50", correctsCertificateNumber: "C-1",
        },
        { today: TODAY },
      );
      if (!r.ok) throw new Error("expected a valid record");
      expect(canonicalNotificationJson(r.record, MEMBER)).to.equal(
        `{"certificateNumber":"C-2","correctsCertificateNumber":"C-1","effectiveDate":"2005-01-01","eventType":"retirement",` +
          `"gender":"female","issuingOffice":"O","member":"${MEMBER}","originalRetirementAge":50}`,
      );
    });

    it("is the same for the same certificate sent as JSON and as CSV, and ignores the name", () => {
      const [fromJson] = parseNotificationsJson({ ...manRetired, memberName: "张三" }, { today: TODAY });
      const [fromCsv] = parseNotificationsCsv(
        `gender,issuingOffice,certificateNumber,effectiveDate,eventType,residentId\n` +
          `male, 北京市东城区社会保险事业管理中心 ,BJ-TX-2020-000123,2020-04-01,retirement,${MAN}\n`,
        { today: TODAY },
      );
      if (!fromJson.ok || !fromCsv.ok) throw new Error("expected valid records");
      expect(evidenceHash(fromCsv.record, MEMBER)).to.equal(evidenceHash(fromJson.record, MEMBER));
    });

    it("changes when any certified fact or the member changes", () => {
      const [base] = parseNotificationsJson(manRetired, { today: TODAY });
      if (!base.ok) throw new Error("expected a valid record");
      const h = evidenceHash(base.record, MEMBER);
      expect(evidenceHash({ ...base.record, certificateNumber: "BJ-TX-2020-000124" }, MEMBER)).to.not.equal(h);
      expect(evidenceHash({ ...base.record, effectiveDate: "2020-04-02" }, MEMBER)).to.not.equal(h);
      expect(evidenceHash({ ...base.record, correctsCertificateNumber: "X-1" }, MEMBER)).to.not.equal(h);
      expect(evidenceHash(base.record, "0x" + "cd".repeat(32))).to.not.equal(h);
    });
  });
});
