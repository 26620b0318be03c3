/**
 * Numbered schema migrations: migration n is `MIGRATIONS[n - 1]`. Append only; never edit an applied one.
 * Amounts are stored as decimal TEXT (integer fen of any size, never floating point).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: outbox, idempotency, credentials, members vault, checkpoint, event index, standing instructions
  `
  CREATE TABLE operations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    signer TEXT NOT NULL,
    institution TEXT NOT NULL,
    request_json TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'submitted', 'succeeded', 'failed')),
    progress_json TEXT NOT NULL DEFAULT '{"cursor":0,"chunks":[]}',
    result_json TEXT,
    error_json TEXT,
    tx_hash TEXT,
    block_number INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    resubmissions INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX operations_open ON operations (signer, state, seq);

  CREATE TABLE idempotency_keys (
    institution TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    operation_id TEXT,
    response_status INTEGER,
    response_json TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (institution, key)
  );

  CREATE TABLE credentials (
    institution TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    signer_address TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE members (
    pseudonym TEXT PRIMARY KEY,
    id_lookup TEXT NOT NULL UNIQUE,
    resident_id_enc TEXT NOT NULL,
    name_enc TEXT,
    bank_card_enc TEXT,
    bank_account_hash TEXT,
    pension_serial INTEGER UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);

  CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE recent_blocks (block_number INTEGER PRIMARY KEY, block_hash TEXT NOT NULL);

  CREATE TABLE idx_events (
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    name TEXT NOT NULL,
    args_json TEXT NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  );
  CREATE INDEX idx_events_block ON idx_events (block_number);

  CREATE TABLE idx_accounts (
    account_id TEXT PRIMARY KEY,
    member TEXT NOT NULL,
    plan TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_block INTEGER NOT NULL,
    opened_tx TEXT NOT NULL
  );
  CREATE INDEX idx_accounts_member ON idx_accounts (member);
  CREATE TABLE idx_account_status (
    tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL, block_number INTEGER NOT NULL,
    account_id TEXT NOT NULL, from_status TEXT NOT NULL, to_status TEXT NOT NULL, reason_code TEXT NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  );
  CREATE TABLE idx_plans (
    plan TEXT PRIMARY KEY, employer TEXT NOT NULL, vesting_json TEXT NOT NULL, block_number INTEGER NOT NULL, tx_hash TEXT NOT NULL
  );
  CREATE TABLE idx_contributions (
    tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL, block_number INTEGER NOT NULL,
    account_id TEXT NOT NULL, bank_ref TEXT NOT NULL, kind TEXT NOT NULL,
    amount TEXT NOT NULL, employer_amount TEXT NOT NULL, employee_amount TEXT NOT NULL, year INTEGER,
    PRIMARY KEY (tx_hash, log_index)
  );
  CREATE INDEX idx_contributions_account ON idx_contributions (account_id);
  CREATE TABLE idx_returns (
    tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL, block_number INTEGER NOT NULL,
    account_id TEXT NOT NULL, batch_ref TEXT NOT NULL, amount TEXT NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  );
  CREATE TABLE idx_eligibility (
    tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL, block_number INTEGER NOT NULL,
    member TEXT NOT NULL, qualifying_event INTEGER NOT NULL, action TEXT NOT NULL,
    effective_date INTEGER, evidence_hash TEXT, reason TEXT,
    PRIMARY KEY (tx_hash, log_index)
  );
  CREATE TABLE idx_payouts (
    payout_id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, run_id INTEGER NOT NULL, payee TEXT NOT NULL,
    gross TEXT NOT NULL, tax TEXT NOT NULL, net TEXT NOT NULL, status TEXT NOT NULL,
    block_number INTEGER NOT NULL, tx_hash TEXT NOT NULL, status_block INTEGER
  );
  CREATE TABLE idx_payout_plans (
    tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL, block_number INTEGER NOT NULL,
    account_id TEXT NOT NULL, qualifying_event INTEGER NOT NULL, mode INTEGER NOT NULL, parameter TEXT NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  );
  CREATE TABLE idx_settlement_runs (
    run_id INTEGER PRIMARY KEY, run_ref TEXT NOT NULL, payouts INTEGER NOT NULL, merkle_root TEXT NOT NULL,
    block_number INTEGER NOT NULL, tx_hash TEXT NOT NULL
  );
  CREATE TABLE idx_ledger_operations (
    sequence INTEGER PRIMARY KEY, selector TEXT NOT NULL, data_hash TEXT NOT NULL, running_hash TEXT NOT NULL,
    block_number INTEGER NOT NULL, tx_hash TEXT NOT NULL
  );

  CREATE TABLE standing_instructions (
    id TEXT PRIMARY KEY,
    institution TEXT NOT NULL,
    member TEXT NOT NULL,
    amount TEXT NOT NULL,
    day_of_month INTEGER NOT NULL,
    first_month TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    created_at TEXT NOT NULL,
    cancelled_at TEXT
  );
  CREATE TABLE standing_executions (
    instruction_id TEXT NOT NULL REFERENCES standing_instructions (id),
    month TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    bank_ref TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (instruction_id, month)
  );
  `,
  // 2 (audit, gateway/audit): each ledger operation's calldata and block time, each indexed event's link to its
  // operation, and the verification results
  `
  CREATE TABLE audit_operations (
    sequence INTEGER PRIMARY KEY,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    block_time INTEGER NOT NULL,
    sender TEXT NOT NULL,
    calldata TEXT
  );
  CREATE INDEX audit_operations_tx ON audit_operations (tx_hash, log_index);
  CREATE INDEX audit_operations_time ON audit_operations (block_time);
  CREATE TABLE audit_entries (
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    block_time INTEGER NOT NULL,
    type TEXT NOT NULL,
    event TEXT NOT NULL,
    account_id TEXT,
    member TEXT,
    has_tax INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tx_hash, log_index)
  );
  CREATE INDEX audit_entries_account ON audit_entries (account_id, sequence, log_index);
  CREATE INDEX audit_entries_member ON audit_entries (member, sequence, log_index);
  CREATE INDEX audit_entries_sequence ON audit_entries (sequence, log_index);
  CREATE INDEX audit_entries_time ON audit_entries (block_time, type);
  CREATE TABLE audit_verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    verified_at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    result_json TEXT NOT NULL
  );
  `,
  // 3 (social security, claims, heirs, gateway/services/claims): ingested notifications and batch reports, benefit
  // and inheritance claims with their times, heirs (ID number, name, card encrypted with AES-256-GCM)
  `
  CREATE TABLE ss_notifications (
    evidence_hash TEXT PRIMARY KEY,
    certificate_number TEXT NOT NULL UNIQUE,
    member TEXT NOT NULL,
    event TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    gender TEXT,
    original_retirement_age INTEGER,
    corrects_certificate_number TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    operation_id TEXT,
    revoke_operation_id TEXT,
    source TEXT NOT NULL,
    received_at TEXT NOT NULL
  );
  CREATE INDEX ss_notifications_member ON ss_notifications (member, event, status);
  CREATE TABLE ss_batches (id TEXT PRIMARY KEY, source TEXT NOT NULL, received_at TEXT NOT NULL, report_json TEXT NOT NULL);

  CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('benefit', 'inheritance')),
    member TEXT NOT NULL,
    account_id TEXT NOT NULL,
    plan_code TEXT,
    event TEXT NOT NULL,
    payout_mode TEXT,
    parameter TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'review', 'approved', 'rejected', 'awaitingHeirs')),
    rule TEXT,
    message TEXT,
    message_zh TEXT,
    decided_by TEXT,
    evidence_hash TEXT,
    operation_id TEXT,
    escalations INTEGER NOT NULL DEFAULT 0,
    attested_at TEXT,
    submitted_at TEXT NOT NULL,
    decided_at TEXT,
    first_payment_at TEXT,
    first_payout_id INTEGER,
    first_payment_tx TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX claims_status ON claims (status);
  CREATE INDEX claims_account ON claims (account_id);

  CREATE TABLE claim_heirs (
    claim_id TEXT NOT NULL REFERENCES claims (id),
    position INTEGER NOT NULL,
    heir_ref TEXT NOT NULL UNIQUE,
    id_lookup TEXT NOT NULL,
    resident_id_enc TEXT NOT NULL,
    name_enc TEXT NOT NULL,
    bank_card_enc TEXT NOT NULL,
    share_bps INTEGER NOT NULL,
    PRIMARY KEY (claim_id, position)
  );
  CREATE INDEX claim_heirs_lookup ON claim_heirs (id_lookup);
  `,
  // 4 (bank adapter, gateway/services/bank): processed bank bookings (dedup keys, written in the same transaction as
  // the outbox rows), the suspense list, payroll contribution files awaiting the employer's money, produced payment
  // instruction files and the payout results reported back
  `
  CREATE TABLE bank_processed_keys (
    dedup_key TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('credited', 'released', 'held', 'suspense', 'creditFailed')),
    bank_reference TEXT NOT NULL,
    amount_fen TEXT,
    booked_at INTEGER,
    chain_bank_ref TEXT,
    operation_id TEXT,
    payroll_reference TEXT,
    suspense_id TEXT,
    processed_at TEXT NOT NULL
  );
  CREATE INDEX bank_processed_keys_operation ON bank_processed_keys (operation_id);
  CREATE TABLE bank_suspense (
    id TEXT PRIMARY KEY,
    dedup_key TEXT UNIQUE,
    message_id TEXT NOT NULL,
    account TEXT NOT NULL,
    bank_reference TEXT,
    amount_fen TEXT,
    amount_text TEXT NOT NULL,
    currency TEXT NOT NULL,
    booked_at INTEGER,
    reason_code TEXT NOT NULL,
    reason_zh TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'returnRequested')),
    operation_id TEXT,
    resolution_note TEXT,
    resolved_by TEXT,
    resolved_at TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX bank_suspense_status ON bank_suspense (status, created_at);
  CREATE TABLE bank_payroll_files (
    payroll_reference TEXT PRIMARY KEY,
    plan_code TEXT NOT NULL,
    period INTEGER NOT NULL,
    employer TEXT NOT NULL,
    total_fen TEXT NOT NULL,
    line_count INTEGER NOT NULL,
    items_json TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('awaitingFunds', 'released')),
    held_json TEXT NOT NULL DEFAULT '[]',
    operation_ids_json TEXT NOT NULL DEFAULT '[]',
    submitted_at TEXT NOT NULL,
    released_at TEXT
  );
  CREATE TABLE bank_payment_files (
    run_id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    version TEXT NOT NULL,
    payouts INTEGER NOT NULL,
    control_sum_fen TEXT NOT NULL,
    execution_date TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE bank_payout_reports (
    payout_id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('paid', 'failed')),
    status_code TEXT NOT NULL,
    message_id TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    reported_at TEXT NOT NULL
  );
  `,
  // 2: find operations by the block their last transaction was mined in (rewind checks run on every poll)
  `
  CREATE INDEX operations_block ON operations (block_number);
  `,
  // 6 (bank adapter): a booking is stored under every one of its bank references (alias rows point at the row of
  // its dedup key), and the JSON API's contributions are found by their chain bank reference, so the same bank
  // reference credits once whichever channel (camt.054 or POST /v1/contributions) brings it
  `
  ALTER TABLE bank_processed_keys ADD COLUMN alias_of TEXT;
  CREATE INDEX operations_bank_ref ON operations (json_extract(request_json, '$.bankRef'));
  `,
];
