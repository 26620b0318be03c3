/** Resolving the member a request names (resident ID number or pension reference) to the chain's pseudonym. */
import { parsePensionReference } from "../adapters/bank/pensionReference.js";
import { requireResidentId } from "../domain/residentId.js";
import { AppError, ERROR_CATALOG } from "../errors.js";
import type { Store } from "../store/index.js";

export type MemberRef = { residentId: string } | { pensionReference: string };

/** The member's pseudonym. A resident ID number is validated (GB 11643-1999) and need not be in the vault. */
export function pseudonymFor(store: Store, ref: MemberRef, field = "residentId", today?: Date): string {
  if ("residentId" in ref) {
    const id = requireResidentId(ref.residentId, { field, today });
    return store.members.pseudonymOf(id.id);
  }
  const refField = field.replace(/residentId$/, "pensionReference");
  const parsed = parsePensionReference(ref.pensionReference);
  if (!parsed.ok) {
    throw new AppError("VALIDATION_FAILED", `${refField} is not a valid pension account reference (${parsed.reason}).`, {
      field: refField,
      details: { reason: parsed.reason },
    });
  }
  const member = store.members.byPensionSerial(parsed.serial);
  if (!member) throw new AppError("MEMBER_NOT_FOUND", ERROR_CATALOG.MEMBER_NOT_FOUND.en, { field: refField });
  return member.pseudonym;
}
