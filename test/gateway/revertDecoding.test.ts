import { expect } from "chai";
import { ZeroHash } from "ethers";
import { catalogCodeOf, decodeRevertData } from "../../gateway/chain/revertDecoding.js";
import { ledgerInterface } from "../../gateway/chain/ledgerInterface.js";
import { ERROR_CATALOG } from "../../gateway/errors.js";

const member = "0x" + "11".repeat(32);

describe("decoding the ledger's custom errors into the error catalog", () => {
  it("maps every custom error of the ledger interface to a catalog code of its own", () => {
    const errors = ledgerInterface.fragments.filter((f) => f.type === "error").map((f) => (f as unknown as { name: string }).name);
    const ledgerErrors = errors.filter((name) => !/^(AccessControl|Enforced|Expected|InvalidInitialization|NotInitializing|Reentrancy|SafeCast|ERC1967|UUPS|AddressEmptyCode|FailedCall|Initializable|OwnableUnauthorized)/.test(name));
    const unmapped = ledgerErrors.filter((name) => catalogCodeOf(name) === "TRANSACTION_REVERTED");
    expect(unmapped).to.deep.equal([]);
  });

  it("turns ContributionExceedsAnnualCap into CONTRIBUTION_EXCEEDS_ANNUAL_CAP with the room left, without the member", () => {
    const data = ledgerInterface.encodeErrorResult("ContributionExceedsAnnualCap", [member, 1_200_000n, 1_100_000n]);
    const decoded = decodeRevertData(data);
    expect(decoded.code).to.equal("CONTRIBUTION_EXCEEDS_ANNUAL_CAP");
    expect(decoded.details).to.deep.include({ requested: "1200000", remaining: "1100000" });
    expect(decoded.details).to.not.have.property("member");
    expect(decoded.message).to.contain("¥11,000.00");
    expect(ERROR_CATALOG[decoded.code as keyof typeof ERROR_CATALOG].status).to.equal(422);
  });

  it("decodes the item error inside BatchItemInvalid with its index", () => {
    const inner = ledgerInterface.encodeErrorResult("BankReferenceAlreadyUsed", [ZeroHash]);
    const decoded = decodeRevertData(ledgerInterface.encodeErrorResult("BatchItemInvalid", [3n, inner]));
    expect(decoded.code).to.equal("BATCH_ITEM_INVALID");
    expect(decoded.details?.index).to.equal("3");
    expect((decoded.details?.item as { code: string }).code).to.equal("BANK_REFERENCE_ALREADY_USED");
  });

  it("names an account status by its enum name", () => {
    const decoded = decodeRevertData(ledgerInterface.encodeErrorResult("AccountStatusInvalid", [ZeroHash, 2]));
    expect(decoded.code).to.equal("ACCOUNT_STATUS_INVALID");
    expect(decoded.details?.status).to.equal("Frozen");
  });

  it("reports a revert without data, or with unknown data, as TRANSACTION_REVERTED", () => {
    expect(decodeRevertData("0x").code).to.equal("TRANSACTION_REVERTED");
    expect(decodeRevertData("0xdeadbeef").code).to.equal("TRANSACTION_REVERTED");
  });

  it("maps a missing role and a paused ledger to their own codes", () => {
    expect(catalogCodeOf("AccessControlUnauthorizedAccount")).to.equal("CHAIN_ROLE_MISSING");
    expect(catalogCodeOf("EnforcedPause")).to.equal("LEDGER_PAUSED");
  });
});
