/** Schema changes, applied in order once each. Never edit a released migration: add a new one. */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        source_path TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        meta_json TEXT NOT NULL,
        status TEXT NOT NULL,
        verified INTEGER NOT NULL,
        ingested_at TEXT NOT NULL
      );
      CREATE TABLE chunks (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        citation TEXT NOT NULL,
        path_json TEXT NOT NULL,
        heading TEXT NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (doc_id, ordinal)
      );
      CREATE INDEX chunks_doc ON chunks(doc_id);
      CREATE TABLE index_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    // Escalation to the province's experts: people, tickets with their append-only history, the
    // outbox of messages to deliver (at least once, de-duplicated by key) and the curated answers.
    version: 2,
    sql: `
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        channel_user_id TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        commune TEXT,
        role TEXT NOT NULL CHECK (role IN ('official', 'expert', 'admin')),
        topics_json TEXT NOT NULL DEFAULT '[]',
        approved INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (channel, channel_user_id)
      );
      CREATE INDEX users_role ON users(role, active);

      CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        asker_channel TEXT NOT NULL,
        asker_chat_id TEXT NOT NULL,
        asker_user_id TEXT NOT NULL,
        asker_name TEXT,
        asker_commune TEXT,
        question TEXT NOT NULL,
        topic TEXT,
        reason TEXT NOT NULL,
        context_json TEXT NOT NULL DEFAULT '[]',
        confidence REAL,
        status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'answered', 'relay_pending', 'relayed', 'closed')),
        expert_id INTEGER REFERENCES users(id),
        answer TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        answered_at TEXT,
        relayed_at TEXT,
        last_reminded_at TEXT
      );
      CREATE INDEX tickets_status ON tickets(status, created_at);
      CREATE INDEX tickets_asker ON tickets(asker_channel, asker_chat_id);

      CREATE TABLE ticket_events (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail_json TEXT NOT NULL DEFAULT '{}',
        at TEXT NOT NULL
      );
      CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
      CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
      BEGIN
        SELECT RAISE(ABORT, 'ticket_events is append-only');
      END;
      CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
      BEGIN
        SELECT RAISE(ABORT, 'ticket_events is append-only');
      END;

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER REFERENCES tickets(id),
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('relay', 'notify', 'reminder')),
        text TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        dedup_key TEXT UNIQUE
      );
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
      CREATE INDEX outbox_chat ON outbox(channel, chat_id, status);
      CREATE INDEX outbox_ticket ON outbox(ticket_id);

      CREATE TABLE curated_answers (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        source_ticket_id INTEGER REFERENCES tickets(id),
        expert_id INTEGER REFERENCES users(id),
        answered_at TEXT,
        approved_by INTEGER REFERENCES users(id),
        approved_at TEXT NOT NULL,
        topic TEXT,
        hits INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX curated_answers_ticket ON curated_answers(source_ticket_id) WHERE source_ticket_id IS NOT NULL;
      CREATE INDEX curated_answers_active ON curated_answers(active);
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE question_log (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        display_name TEXT,
        commune TEXT,
        question TEXT NOT NULL,
        query TEXT NOT NULL,
        stage TEXT NOT NULL,
        confidence REAL NOT NULL,
        reason TEXT,
        ticket_id INTEGER,
        curated_id INTEGER,
        doc_id TEXT,
        topic TEXT,
        citations_json TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX question_log_created ON question_log(created_at);
      CREATE INDEX question_log_chat ON question_log(channel, chat_id);
      CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES question_log(id),
        value TEXT NOT NULL CHECK (value IN ('helpful', 'unhelpful', 'expert')),
        channel TEXT NOT NULL,
        user_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (question_id, user_id)
      );
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE processed_updates (
        channel TEXT NOT NULL,
        update_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (channel, update_id)
      );
      CREATE INDEX processed_updates_received ON processed_updates(received_at);
      CREATE TABLE channel_state (
        channel TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, key)
      );
    `,
  },
  {
    // The web console and the web chat: console accounts (each linked to an escalation user, so an
    // expert's web answers are attributed to their expert record), their sessions (the cookie holds a
    // random token, the table only its SHA-256), the console's append-only audit log, and the web chat's
    // visitors and messages (questions, answers, and relays the outbox delivered to channel 'web').
    version: 5,
    sql: `
      CREATE TABLE web_accounts (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'expert')),
        user_id INTEGER NOT NULL REFERENCES users(id),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT
      );
      CREATE INDEX web_accounts_user ON web_accounts(user_id);

      CREATE TABLE web_sessions (
        token_hash TEXT PRIMARY KEY,
        account_id INTEGER REFERENCES web_accounts(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        flash_json TEXT,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX web_sessions_expires ON web_sessions(expires_at);
      CREATE INDEX web_sessions_account ON web_sessions(account_id);

      CREATE TABLE web_audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        account_id INTEGER,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        detail_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX web_audit_at ON web_audit(at);
      CREATE TRIGGER web_audit_no_update BEFORE UPDATE ON web_audit
      BEGIN
        SELECT RAISE(ABORT, 'web_audit is append-only');
      END;
      CREATE TRIGGER web_audit_no_delete BEFORE DELETE ON web_audit
      BEGIN
        SELECT RAISE(ABORT, 'web_audit is append-only');
      END;

      CREATE TABLE web_chat_visitors (
        chat_id TEXT PRIMARY KEY,
        csrf_token TEXT NOT NULL,
        display_name TEXT,
        commune TEXT,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
      );

      CREATE TABLE web_chat_messages (
        id INTEGER PRIMARY KEY,
        chat_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'expert', 'system')),
        text TEXT NOT NULL,
        meta_json TEXT NOT NULL DEFAULT '{}',
        outbox_id INTEGER UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE INDEX web_chat_messages_chat ON web_chat_messages(chat_id, id);
    `,
  },
  {
    // A durable inbox: an update is stored (with its payload) before the webhook acknowledges it and
    // marked done once handled, so updates a crash interrupted are handled at the next start. The
    // question log and tickets remember the update they came from, so a replay never writes them twice
    // (the log keeps the reply text to send it again).
    version: 6,
    sql: `
      ALTER TABLE processed_updates ADD COLUMN payload_json TEXT;
      ALTER TABLE processed_updates ADD COLUMN done_at TEXT;
      UPDATE processed_updates SET done_at = received_at;
      CREATE INDEX processed_updates_unfinished ON processed_updates(channel, received_at) WHERE done_at IS NULL;
      ALTER TABLE question_log ADD COLUMN source_key TEXT;
      ALTER TABLE question_log ADD COLUMN reply_text TEXT;
      CREATE UNIQUE INDEX question_log_source ON question_log(source_key) WHERE source_key IS NOT NULL;
      ALTER TABLE tickets ADD COLUMN source_key TEXT;
      CREATE UNIQUE INDEX tickets_source ON tickets(source_key) WHERE source_key IS NOT NULL;
    `,
  },
  {
    // Answers that could not be sent at once (the platform down, a connection reset) go through the
    // outbox too: the CHECK on outbox.kind gains 'answer', which SQLite can only do by rebuilding the table.
    version: 7,
    sql: `
      CREATE TABLE outbox_v7 (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER REFERENCES tickets(id),
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('relay', 'notify', 'reminder', 'answer')),
        text TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        dedup_key TEXT UNIQUE
      );
      INSERT INTO outbox_v7 (id, ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, dedup_key)
        SELECT id, ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, dedup_key FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_v7 RENAME TO outbox;
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
      CREATE INDEX outbox_chat ON outbox(channel, chat_id, status);
      CREATE INDEX outbox_ticket ON outbox(ticket_id);
    `,
  },
  {
    // Opening a ticket in one statement: a row inserted here makes the trigger write the ticket, its
    // notifications and its events, all or nothing, and leaves no staging row behind. An explicit
    // transaction took several round trips, and every other statement of the server waited meanwhile.
    version: 8,
    sql: `
      CREATE TABLE ticket_openings (
        ticket_id INTEGER PRIMARY KEY,
        payload_json TEXT NOT NULL
      );
      CREATE TRIGGER ticket_openings_apply AFTER INSERT ON ticket_openings
      BEGIN
        INSERT INTO tickets (id, asker_channel, asker_chat_id, asker_user_id, asker_name, asker_commune, question, topic,
          reason, context_json, confidence, status, created_at, updated_at, source_key)
        SELECT NEW.ticket_id, t ->> 'asker_channel', t ->> 'asker_chat_id', t ->> 'asker_user_id', t ->> 'asker_name',
          t ->> 'asker_commune', t ->> 'question', t ->> 'topic', t ->> 'reason', t ->> 'context_json', t ->> 'confidence',
          t ->> 'status', t ->> 'created_at', t ->> 'created_at', t ->> 'source_key'
        FROM (SELECT NEW.payload_json -> '$.ticket' AS t);
        INSERT INTO outbox (ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, created_at, dedup_key)
        SELECT NEW.ticket_id, n.value ->> 'channel', n.value ->> 'chatId', n.value ->> 'kind', n.value ->> 'text', 'pending', 0,
          n.value ->> 'createdAt', n.value ->> 'createdAt', n.value ->> 'dedupKey'
        FROM json_each(NEW.payload_json, '$.notifications') AS n ORDER BY n.key;
        INSERT INTO ticket_events (ticket_id, actor, action, detail_json, at)
        SELECT NEW.ticket_id, e.value ->> 'actor', e.value ->> 'action', json(e.value -> '$.detail'), e.value ->> 'at'
        FROM json_each(NEW.payload_json, '$.events') AS e ORDER BY e.key;
        DELETE FROM ticket_openings WHERE ticket_id = NEW.ticket_id;
      END;
    `,
  },
  {
    // Messages to askers (an expert's answer relayed, the assistant's delayed answer) are sent ahead of
    // notifications and reminders to staff: a burst of tickets queued hundreds of notifications, and an
    // answer waited behind them. Rows inserted by migration 8's trigger (notifications) keep priority 0.
    version: 9,
    sql: `
      ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
      UPDATE outbox SET priority = 1 WHERE kind IN ('relay', 'answer');
      CREATE INDEX outbox_due_priority ON outbox(status, priority DESC, next_attempt_at, id);
    `,
  },
  {
    // Several instances on one database: an update is claimed by the instance handling it for a lease
    // (ISO time) it renews while it works; an unfinished update whose lease ran out — its instance died —
    // is claimed by another. `attempts` counts claims, so an update that fails every time is given up.
    // Updates unfinished at this migration have no lease: the next start or sweep takes them.
    version: 10,
    sql: `
      ALTER TABLE processed_updates ADD COLUMN claimed_by TEXT;
      ALTER TABLE processed_updates ADD COLUMN lease_until TEXT;
      ALTER TABLE processed_updates ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    // Several instances on one database: an outgoing message being sent is claimed by the instance
    // sending it for a lease (ISO time) it renews while the platform call lasts; a message left 'sending'
    // whose lease ran out — its instance died mid-send — goes back to 'pending' for any instance, and no
    // instance takes back a message another is still sending. Rows left 'sending' before this migration
    // have no lease: the next recovery takes them.
    version: 11,
    sql: `
      ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
      ALTER TABLE outbox ADD COLUMN lease_until TEXT;
    `,
  },
  {
    // Provenance and the impact of a knowledge change (issue 17): every logged answer and every curated
    // answer keeps the passages it rests on (JSON: passage id, document id, citation, the passage's text
    // hash, the document's content hash and whether it was in force), and every ingest that changes or
    // removes a document leaves a row in `document_changes`, so the answers a change affects can be listed.
    version: 12,
    sql: `
      ALTER TABLE question_log ADD COLUMN sources_json TEXT;
      ALTER TABLE curated_answers ADD COLUMN sources_json TEXT;
      CREATE TABLE document_changes (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        title TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('changed', 'removed')),
        old_hash TEXT,
        new_hash TEXT,
        old_status TEXT,
        new_status TEXT,
        at TEXT NOT NULL
      );
      CREATE INDEX document_changes_at ON document_changes(at);
    `,
  },
  {
    // Notices to officials and follow-ups on changed answers (src/notices/): who turned notices off (on the
    // user), each notice or follow-up with its recipients, each recipient's message in the outbox (the report
    // reads its state there). The CHECK on outbox.kind gains 'notice' and 'follow_up': SQLite rebuilds the
    // table, with legacy renaming so that migration 8's trigger (which inserts into outbox) is left as written
    // and names the new table.
    version: 13,
    sql: `
      ALTER TABLE users ADD COLUMN notices_off INTEGER NOT NULL DEFAULT 0 CHECK (notices_off IN (0, 1));

      PRAGMA legacy_alter_table = ON;
      CREATE TABLE outbox_v13 (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER REFERENCES tickets(id),
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('relay', 'notify', 'reminder', 'answer', 'notice', 'follow_up')),
        text TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        dedup_key TEXT UNIQUE,
        priority INTEGER NOT NULL DEFAULT 0,
        claimed_by TEXT,
        lease_until TEXT
      );
      INSERT INTO outbox_v13 (id, ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, dedup_key, priority, claimed_by, lease_until)
        SELECT id, ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, dedup_key, priority, claimed_by, lease_until FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_v13 RENAME TO outbox;
      PRAGMA legacy_alter_table = OFF;
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
      CREATE INDEX outbox_chat ON outbox(channel, chat_id, status);
      CREATE INDEX outbox_ticket ON outbox(ticket_id);
      CREATE INDEX outbox_due_priority ON outbox(status, priority DESC, next_attempt_at, id);

      CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('notice', 'follow_up')),
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        detail_json TEXT NOT NULL DEFAULT '{}',
        author_user_id INTEGER REFERENCES users(id),
        author TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX broadcasts_kind ON broadcasts(kind, id);
      CREATE TABLE broadcast_recipients (
        id INTEGER PRIMARY KEY,
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
        user_id INTEGER REFERENCES users(id),
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        commune TEXT,
        detail_json TEXT NOT NULL DEFAULT '{}',
        outbox_id INTEGER NOT NULL REFERENCES outbox(id),
        UNIQUE (broadcast_id, channel, chat_id)
      );
      CREATE INDEX broadcast_recipients_outbox ON broadcast_recipients(outbox_id);
    `,
  },
  {
    // OCR of scanned documents: how many pages were read and with what mean confidence; a document read by OCR
    // stays out of search until an admin accepts its text (who and when).
    version: 14,
    sql: `
      ALTER TABLE documents ADD COLUMN ocr_pages INTEGER;
      ALTER TABLE documents ADD COLUMN ocr_confidence REAL;
      ALTER TABLE documents ADD COLUMN ocr_accepted_at TEXT;
      ALTER TABLE documents ADD COLUMN ocr_accepted_by TEXT;
    `,
  },
  {
    // Forms as files (issue 18, part 3): the registry of the forms of Nghị định 131/2021/NĐ-CP Phụ lục I
    // (seeded at start-up from src/forms/nd131-forms.ts) with the official file an admin uploaded, kept in
    // the database so that every instance serves it; what a platform gave back for an uploaded file (a
    // Telegram file_id), so it is uploaded once per file; the key that signs download links (one row, written by
    // the first instance that needs it), so that every instance on one database signs alike. The outbox gains the kind 'document' and the
    // column `attachment` (what to attach, e.g. "form:12"): SQLite rebuilds the table as migration 13 did,
    // keeping every column.
    version: 15,
    sql: `
      CREATE TABLE forms (
        number TEXT PRIMARY KEY,
        ordinal INTEGER NOT NULL,
        name TEXT NOT NULL,
        legal_basis TEXT NOT NULL,
        procedures_json TEXT NOT NULL DEFAULT '[]',
        file_name TEXT,
        file_type TEXT,
        file_size INTEGER,
        file_sha256 TEXT,
        file_data BLOB,
        file_uploaded_at TEXT,
        file_uploaded_by TEXT
      );
      CREATE INDEX forms_ordinal ON forms(ordinal);
      CREATE TABLE form_file_refs (
        form_number TEXT NOT NULL REFERENCES forms(number) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        ref TEXT NOT NULL,
        PRIMARY KEY (form_number, channel)
      );
      CREATE TABLE form_link_keys (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        secret TEXT NOT NULL
      );

      PRAGMA legacy_alter_table = ON;
      CREATE TABLE outbox_v15 (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER REFERENCES tickets(id),
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('relay', 'notify', 'reminder', 'answer', 'notice', 'follow_up', 'document')),
        text TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        dedup_key TEXT UNIQUE,
        priority INTEGER NOT NULL DEFAULT 0,
        claimed_by TEXT,
        lease_until TEXT,
        attachment TEXT
      );
      INSERT INTO outbox_v15 (id, ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, dedup_key, priority, claimed_by, lease_until)
        SELECT id, ticket_id, channel, chat_id, kind, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, dedup_key, priority, claimed_by, lease_until FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_v15 RENAME TO outbox;
      PRAGMA legacy_alter_table = OFF;
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
      CREATE INDEX outbox_chat ON outbox(channel, chat_id, status);
      CREATE INDEX outbox_ticket ON outbox(ticket_id);
      CREATE INDEX outbox_due_priority ON outbox(status, priority DESC, next_attempt_at, id);
    `,
  },
  {
    // The photo or PDF that came with an escalated chat question (src/channels/chat-files/), for the expert:
    // deleted when its ticket closes or after CHAT_FILE_RETENTION_DAYS. Versions 14 and 15 belong to other work.
    version: 16,
    sql: `
      CREATE TABLE ticket_attachments (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        mime_type TEXT NOT NULL,
        file_name TEXT NOT NULL,
        bytes BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX ticket_attachments_ticket ON ticket_attachments(ticket_id);
      CREATE INDEX ticket_attachments_created ON ticket_attachments(created_at);
    `,
  },
  {
    // Migration 8's staging table and trigger are unused: both engines open a ticket from their store
    // (SQLite in its unit of work, PostgreSQL in one statement; see README, "Under load").
    version: 17,
    sql: `
      DROP TRIGGER IF EXISTS ticket_openings_apply;
      DROP TABLE IF EXISTS ticket_openings;
    `,
  },
];
