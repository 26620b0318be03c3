/**
 * Reads every role grant of a deployed PensionLedger back and throws, naming the role and address, if any grant
 * is missing or present where it should not be, or if two institutions share an address (the ledger allows an
 * address one institution's role only). The gateway's start script calls this after deploying.
 */
export interface ExpectedInstitutions {
  operator: string;
  bank: string;
  socialSecurity: string;
  taxBureau: string;
  investmentManager: string;
  keeper: string;
  /** Further addresses (e.g. the deployer) that must hold no role at all. */
  noRole?: string[];
}

/** The slice of the ledger's ABI this check needs (satisfied by the TypeChain binding and by an ethers Contract). */
export interface RoleReader {
  hasRole(role: string, account: string): Promise<boolean>;
  DEFAULT_ADMIN_ROLE(): Promise<string>;
  OPERATOR_ROLE(): Promise<string>;
  BANK_ROLE(): Promise<string>;
  SOCIAL_SECURITY_ROLE(): Promise<string>;
  TAX_BUREAU_ROLE(): Promise<string>;
  INVESTMENT_MANAGER_ROLE(): Promise<string>;
  KEEPER_ROLE(): Promise<string>;
}

type Institution = Exclude<keyof ExpectedInstitutions, "noRole">;

/** The roles each institution must hold; every other role must be absent. */
const ROLES_OF: Record<Institution, string[]> = {
  operator: ["DEFAULT_ADMIN_ROLE", "OPERATOR_ROLE"],
  bank: ["BANK_ROLE"],
  socialSecurity: ["SOCIAL_SECURITY_ROLE"],
  taxBureau: ["TAX_BUREAU_ROLE"],
  investmentManager: ["INVESTMENT_MANAGER_ROLE"],
  keeper: ["KEEPER_ROLE"],
};

const ROLE_NAMES = [
  "DEFAULT_ADMIN_ROLE",
  "OPERATOR_ROLE",
  "BANK_ROLE",
  "SOCIAL_SECURITY_ROLE",
  "TAX_BUREAU_ROLE",
  "INVESTMENT_MANAGER_ROLE",
  "KEEPER_ROLE",
] as const;

export class RoleVerificationError extends Error {
  constructor(
    message: string,
    readonly role: string,
    readonly account: string,
  ) {
    super(message);
    this.name = "RoleVerificationError";
  }
}

export async function verifyRoles(ledger: RoleReader, expected: ExpectedInstitutions): Promise<void> {
  const roleIds = new Map<string, string>();
  for (const name of ROLE_NAMES) roleIds.set(name, await ledger[name]());

  // The ledger lets an address hold one institution's role only: two institutions on one address is a
  // configuration error, named before any read.
  const wanted = new Map<string, { label: string; roles: Set<string> }>();
  const add = (account: string, label: string, roles: string[]): void => {
    const key = account.toLowerCase();
    const entry = wanted.get(key);
    if (entry) {
      throw new RoleVerificationError(
        `role check failed: ${entry.label} and ${label} share ${key}; each institution needs its own address`,
        roles[0] ?? [...entry.roles][0] ?? "",
        key,
      );
    }
    wanted.set(key, { label, roles: new Set(roles) });
  };
  for (const institution of Object.keys(ROLES_OF) as Institution[]) {
    add(expected[institution], institution, ROLES_OF[institution]);
  }
  for (const account of expected.noRole ?? []) add(account, "noRole", []);

  for (const [account, { label, roles }] of wanted) {
    for (const name of ROLE_NAMES) {
      const has = await ledger.hasRole(roleIds.get(name)!, account);
      const should = roles.has(name);
      if (has !== should) {
        throw new RoleVerificationError(
          should
            ? `role check failed: ${label} ${account} lacks ${name}`
            : `role check failed: ${label} ${account} holds ${name}, which it must not`,
          name,
          account,
        );
      }
    }
  }
}
