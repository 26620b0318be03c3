/**
 * The one error type the bank adapter throws for a message it cannot accept as a whole (per-entry problems are
 * not errors: they are listed as rejections in the result). It is an {@link AppError}, so the gateway's error
 * middleware maps it to JSON and to the catalog's HTTP status (400, or 413 for XML_TOO_LARGE) without knowing
 * the adapter. The English text is `message`; the Chinese text for bank operators is `messageZh` and is also
 * carried in `details.messageZh` so it reaches the response body. Messages never contain personal data.
 */
import { AppError, type AppErrorOptions } from "../../errors.js";

export type BankMessageErrorCode =
  | "XML_DTD_FORBIDDEN"
  | "XML_MALFORMED"
  | "XML_TOO_LARGE"
  | "MESSAGE_TYPE_UNSUPPORTED"
  | "BANK_MESSAGE_INVALID"
  | "PAYROLL_FILE_INVALID"
  | "PAYMENT_INSTRUCTION_INVALID";

export class BankMessageError extends AppError {
  declare readonly code: BankMessageErrorCode;
  /** The same message in Chinese (zh-CN), for the bank's operators. */
  readonly messageZh: string;

  constructor(code: BankMessageErrorCode, message: { zh: string; en: string }, options: AppErrorOptions = {}) {
    super(code, message.en, { ...options, details: { ...options.details, messageZh: message.zh } });
    this.name = "BankMessageError";
    this.messageZh = message.zh;
  }
}
