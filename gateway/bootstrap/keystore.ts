/**
 * One signing key per institution, in an encrypted keystore (the JSON format of ethers `Wallet.encrypt`,
 * scrypt cost 2^KEYSTORE_SCRYPT_LOG_N) under DATA_DIR/keystore/, file mode 0600.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encryptKeystoreJson, Wallet } from "ethers";
import { INSTITUTIONS, type Institution } from "../store/credentials.js";

export function keystoreDir(dataDir: string): string {
  return path.join(dataDir, "keystore");
}

export function keystoreExists(dataDir: string): boolean {
  return INSTITUTIONS.every((i) => existsSync(path.join(keystoreDir(dataDir), `${i}.json`)));
}

/** Creates the missing keys; returns every institution's address. */
export async function createKeystore(dataDir: string, password: string, scryptLogN: number): Promise<Record<Institution, string>> {
  const dir = keystoreDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const addresses = {} as Record<Institution, string>;
  for (const institution of INSTITUTIONS) {
    const file = path.join(dir, `${institution}.json`);
    if (existsSync(file)) {
      addresses[institution] = "0x" + (JSON.parse(readFileSync(file, "utf8")) as { address: string }).address.replace(/^0x/, "");
      continue;
    }
    const wallet = Wallet.createRandom();
    const json = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, { scrypt: { N: 2 ** scryptLogN } });
    writeFileSync(file, json, { mode: 0o600 });
    addresses[institution] = wallet.address;
  }
  return addresses;
}

export async function loadKeystore(dataDir: string, password: string): Promise<Record<Institution, Wallet>> {
  const wallets = {} as Record<Institution, Wallet>;
  await Promise.all(
    INSTITUTIONS.map(async (institution) => {
      const json = readFileSync(path.join(keystoreDir(dataDir), `${institution}.json`), "utf8");
      wallets[institution] = (await Wallet.fromEncryptedJson(json, password)) as Wallet;
    }),
  );
  return wallets;
}
