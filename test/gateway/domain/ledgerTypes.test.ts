import { readFileSync } from "node:fs";
import { expect } from "chai";
import {
  ACCOUNT_STATUS_CODE,
  PAYOUT_MODE_CODE,
  PLAN_KIND_CODE,
  QUALIFYING_EVENT_CODE,
  accountStatusName,
  isEventAllowedForPlan,
  qualifyingEventName,
} from "../../../gateway/domain/ledgerTypes.js";

/** The members of a Solidity enum in contracts/interfaces/ILedgerTypes.sol, in declaration order. */
function solidityEnum(name: string): string[] {
  const source = readFileSync(new URL("../../../contracts/interfaces/ILedgerTypes.sol", import.meta.url), "utf8");
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(source)?.[1];
  if (body === undefined) throw new Error(`enum ${name} not found`);
  return body
    .split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").replace(/,/g, "").trim())
    .filter((member) => member !== "");
}

const camel = (s: string) => s[0].toLowerCase() + s.slice(1);

describe("ledgerTypes", () => {
  it("numbers the qualifying events as ILedgerTypes.QualifyingEvent does", () => {
    const members = solidityEnum("QualifyingEvent");
    for (const [name, code] of Object.entries(QUALIFYING_EVENT_CODE)) expect(camel(members[code]), name).to.equal(name);
    expect(Object.keys(QUALIFYING_EVENT_CODE)).to.have.length(members.length - 1);
  });

  it("numbers the payout modes and account statuses as the contract does", () => {
    const modes = solidityEnum("PayoutMode");
    for (const [name, code] of Object.entries(PAYOUT_MODE_CODE)) expect(camel(modes[code]), name).to.equal(name);
    const statuses = solidityEnum("AccountStatus");
    for (const [name, code] of Object.entries(ACCOUNT_STATUS_CODE)) expect(camel(statuses[code]), name).to.equal(name);
  });

  it("numbers the plan kinds as the contract does", () => {
    expect(solidityEnum("PlanKind")).to.deep.equal(["PersonalPension", "EnterpriseAnnuity"]);
    expect(PLAN_KIND_CODE).to.deep.equal({ personal: 0, annuity: 1 });
  });

  it("maps on-chain numbers back to names and rejects unknown ones", () => {
    expect(qualifyingEventName(4)).to.equal("death");
    expect(qualifyingEventName(7n)).to.equal("minimumLivingAllowance");
    expect(() => qualifyingEventName(0)).to.throw(RangeError);
    expect(() => qualifyingEventName(8)).to.throw(RangeError);
    expect(accountStatusName(2)).to.equal("frozen");
    expect(() => accountStatusName(5)).to.throw(RangeError);
  });

  it("allows the illness, unemployment and allowance events for personal pension only", () => {
    expect(isEventAllowedForPlan("seriousIllness", "personal")).to.equal(true);
    expect(isEventAllowedForPlan("seriousIllness", "annuity")).to.equal(false);
    expect(isEventAllowedForPlan("minimumLivingAllowance", "annuity")).to.equal(false);
    expect(isEventAllowedForPlan("emigration", "annuity")).to.equal(true);
  });
});
