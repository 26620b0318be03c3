/** First start: one API credential per institution, returned once to be printed; only hashes are stored. */
import { INSTITUTIONS, newToken, type CredentialRepository, type Institution } from "../store/credentials.js";

export function issueCredentials(credentials: CredentialRepository, addresses: Record<Institution, string>): Record<Institution, string> {
  const tokens = {} as Record<Institution, string>;
  for (const institution of INSTITUTIONS) {
    const token = newToken(institution);
    credentials.save(institution, token, addresses[institution]);
    tokens[institution] = token;
  }
  return tokens;
}
