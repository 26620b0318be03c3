/**
 * The ledger's ABI as one ethers Interface: IPensionLedger (its errors, events, functions) plus the
 * OpenZeppelin errors the implementation can raise (access control, pause, initializer), so every revert
 * can be decoded.
 */
import { AbiCoder, Fragment, Interface, keccak256, type InterfaceAbi } from "ethers";
import {
  AccountLogic__factory, ContributionLogic__factory, EligibilityLogic__factory, IPensionLedger__factory, PayoutLogic__factory,
  PensionLedger__factory, ReturnsLogic__factory,
} from "../../types/index.js";

const OPENZEPPELIN_ERRORS = [
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error AccessControlBadConfirmation()",
  "error EnforcedPause()",
  "error ExpectedPause()",
  "error InvalidInitialization()",
  "error NotInitializing()",
  "error ReentrancyGuardReentrantCall()",
  "error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)",
  "error Error(string message)",
  "error Panic(uint256 code)",
];

/** The implementation's ABI, plus every error its libraries and OpenZeppelin can raise, each once. */
function combinedAbi(): Fragment[] {
  const seen = new Set<string>();
  const fragments: Fragment[] = [];
  const sources: InterfaceAbi[] = [
    PensionLedger__factory.abi, IPensionLedger__factory.abi, AccountLogic__factory.abi, ContributionLogic__factory.abi,
    EligibilityLogic__factory.abi, PayoutLogic__factory.abi, ReturnsLogic__factory.abi,
    OPENZEPPELIN_ERRORS.filter((e) => !e.startsWith("error Error(") && !e.startsWith("error Panic(")),
  ];
  for (const [i, abi] of sources.entries()) {
    for (const fragment of new Interface(abi).fragments) {
      const named = fragment.type === "error" || fragment.type === "event" || fragment.type === "function";
      if (i > 0 && fragment.type !== "error" && fragment.type !== "event") continue;
      const key = named ? `${fragment.type}:${fragment.format("sighash")}` : fragment.type;
      if (seen.has(key)) continue;
      seen.add(key);
      fragments.push(fragment);
    }
  }
  return fragments;
}

export const ledgerInterface = new Interface(combinedAbi());

const coder = AbiCoder.defaultAbiCoder();

/** accountId = keccak256(abi.encode(member, plan)); plan = bytes32(0) for the personal pension. */
export function accountIdOf(member: string, plan: string = "0x" + "00".repeat(32)): string {
  return keccak256(coder.encode(["bytes32", "bytes32"], [member, plan]));
}

/**
 * The reference a batch chunk carries on chain: the first chunk keeps the batch's own reference, later chunks
 * (a batch split to fit the block gas limit) use keccak256(abi.encode(reference, firstItemIndex)).
 */
export function chunkReference(reference: string, from: number): string {
  return from === 0 ? reference : keccak256(coder.encode(["bytes32", "uint256"], [reference, from]));
}

export const ACCOUNT_STATUSES = ["None", "Active", "Frozen", "PayingOut", "Closed"] as const;
export const QUALIFYING_EVENTS = [
  "None", "Retirement", "LossOfWorkCapacity", "Emigration", "Death", "SeriousIllness", "LongUnemployment", "MinimumLivingAllowance",
] as const;
export const PAYOUT_MODES = ["None", "Monthly", "FixedInstalment", "LumpSum"] as const;
export const PLAN_KINDS = ["PersonalPension", "EnterpriseAnnuity"] as const;
export const PAYOUT_STATUSES = ["None", "Settled", "Paid", "Failed"] as const;
