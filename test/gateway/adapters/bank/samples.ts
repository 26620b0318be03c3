import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Our own samples (CNY, pension references). */
export const FIXTURES_DIR = fileURLToPath(new URL("../../../fixtures/iso20022/", import.meta.url));
/**
 * Samples and official XSDs written by others (MIT-licensed; sources in its README.md): an unchanged copy of the
 * project's shared/data/iso20022/, kept in the repository so that a clone alone runs every test.
 */
export const SHARED_ISO20022_DIR = fileURLToPath(new URL("../../../fixtures/iso20022/shared/", import.meta.url));
export const XSD_DIR = `${SHARED_ISO20022_DIR}xsd/`;

export function fixture(name: string): Buffer {
  return readFileSync(FIXTURES_DIR + name);
}

export function sharedSample(name: string): Buffer {
  return readFileSync(SHARED_ISO20022_DIR + name);
}
