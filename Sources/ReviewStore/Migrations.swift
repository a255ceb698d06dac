import SQLKit

/// The versioned schema. Each step runs once, in order, inside a transaction; steps are never edited once released.
enum Migrations {
    /// Every step, in order; the schema version is the number of steps applied.
    static let steps: [[String]] = [
        [
            """
            CREATE TABLE districts (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                revision BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                district_id TEXT NOT NULL REFERENCES districts(id),
                role TEXT NOT NULL,
                subject TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                revoked_at TEXT
            )
            """,
            """
            CREATE TABLE requests (
                id TEXT PRIMARY KEY,
                district_id TEXT NOT NULL REFERENCES districts(id),
                campaign_id TEXT NOT NULL,
                unit_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                week TEXT NOT NULL,
                status TEXT NOT NULL,
                slot BIGINT NOT NULL,
                data TEXT NOT NULL
            )
            """,
            "CREATE INDEX requests_by_week ON requests(district_id, week)",
            "CREATE INDEX requests_by_unit ON requests(district_id, unit_id)",
            """
            CREATE UNIQUE INDEX requests_one_open ON requests(district_id, campaign_id, unit_id, kind, slot)
            WHERE status = 'open'
            """,
            """
            CREATE TABLE idempotency (
                district_id TEXT NOT NULL,
                principal TEXT NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                status BIGINT NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (district_id, principal, key)
            )
            """,
            """
            CREATE TABLE sessions (
                request_id TEXT PRIMARY KEY REFERENCES requests(id),
                district_id TEXT NOT NULL,
                week TEXT NOT NULL,
                data TEXT NOT NULL
            )
            """,
            "CREATE INDEX sessions_by_week ON sessions(district_id, week)",
            """
            CREATE TABLE audit (
                id TEXT PRIMARY KEY,
                district_id TEXT NOT NULL,
                seq BIGINT NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                before TEXT,
                after TEXT
            )
            """,
            "CREATE INDEX audit_by_entity ON audit(district_id, entity, entity_id)",
            "CREATE UNIQUE INDEX audit_order ON audit(district_id, seq)",
            """
            CREATE TABLE feed_tokens (
                token TEXT PRIMARY KEY,
                district_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            )
            """,
            "CREATE INDEX feed_tokens_by_subject ON feed_tokens(district_id, kind, subject)",
            """
            CREATE TABLE calendar_copies (
                district_id TEXT NOT NULL,
                owner TEXT NOT NULL,
                source TEXT NOT NULL,
                fetched_at TEXT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (district_id, owner)
            )
            """,
            """
            CREATE TABLE allowances (
                district_id TEXT NOT NULL,
                campaign_id TEXT NOT NULL,
                unit_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                extra BIGINT NOT NULL,
                PRIMARY KEY (district_id, campaign_id, unit_id, kind)
            )
            """,
        ],
        [
            """
            CREATE TABLE office_users (
                district_id TEXT NOT NULL REFERENCES districts(id),
                login TEXT NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                password_changed_at TEXT NOT NULL,
                disabled_at TEXT,
                PRIMARY KEY (district_id, login)
            )
            """,
            """
            CREATE TABLE sign_in_failures (
                district_id TEXT NOT NULL,
                login TEXT NOT NULL,
                failures BIGINT NOT NULL,
                first_at TEXT NOT NULL,
                locked_until TEXT,
                PRIMARY KEY (district_id, login)
            )
            """,
            """
            CREATE TABLE web_sessions (
                key_hash TEXT PRIMARY KEY,
                district_id TEXT NOT NULL,
                value TEXT NOT NULL,
                expires_at TEXT
            )
            """,
            "CREATE INDEX web_sessions_by_expiry ON web_sessions(district_id, expires_at)",
            """
            CREATE TABLE unit_notes (
                id TEXT PRIMARY KEY,
                district_id TEXT NOT NULL,
                campaign_id TEXT NOT NULL,
                unit_id TEXT NOT NULL,
                at TEXT NOT NULL,
                author TEXT NOT NULL,
                text TEXT NOT NULL
            )
            """,
            "CREATE INDEX unit_notes_by_unit ON unit_notes(district_id, campaign_id, unit_id)",
        ],
        [
            // Feed URL tokens are no longer stored: each feed keeps numbered generations, and its token is derived
            // from the generation under the server's feed key (outside the database). The tokens stored before
            // become generations in the order they were issued; their old URLs stop working.
            """
            CREATE TABLE feed_grants (
                district_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                generation BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_at TEXT,
                PRIMARY KEY (district_id, kind, subject, generation)
            )
            """,
            """
            INSERT INTO feed_grants (district_id, kind, subject, generation, created_at, revoked_at)
            SELECT district_id, kind, subject,
                   ROW_NUMBER() OVER (PARTITION BY district_id, kind, subject ORDER BY created_at, token), created_at, revoked_at
            FROM feed_tokens
            """,
            "DROP TABLE feed_tokens",
            // What each feed and each event last looked like, so that any change of their bytes raises the event's
            // SEQUENCE and LAST-MODIFIED and the feed's Last-Modified, even when the change came from the configuration.
            """
            CREATE TABLE feed_items (
                district_id TEXT NOT NULL,
                item TEXT NOT NULL,
                hash TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                modified_at TEXT NOT NULL,
                PRIMARY KEY (district_id, item)
            )
            """,
        ],
        [
            // Background jobs that must run once per district and week whichever instance sees them due (the weekly
            // cutoff's scheduling run): the first instance to insert the row runs the job.
            """
            CREATE TABLE job_runs (
                district_id TEXT NOT NULL,
                job TEXT NOT NULL,
                week TEXT NOT NULL,
                claimed_by TEXT NOT NULL,
                claimed_at TEXT NOT NULL,
                finished_at TEXT,
                outcome TEXT,
                detail TEXT,
                PRIMARY KEY (district_id, job, week)
            )
            """,
        ],
        [
            // Absences of members and teams recorded by the office (busy time for every later run), and the repairs
            // last proposed for a published week, from which the office picks one.
            """
            CREATE TABLE absences (
                id TEXT PRIMARY KEY,
                district_id TEXT NOT NULL,
                subject TEXT NOT NULL,
                starts TEXT NOT NULL,
                ends TEXT NOT NULL,
                data TEXT NOT NULL
            )
            """,
            "CREATE INDEX absences_by_subject ON absences(district_id, subject, starts)",
            """
            CREATE TABLE repair_plans (
                district_id TEXT NOT NULL,
                week TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (district_id, week)
            )
            """,
        ],
        [
            // The outbox: every e-mail a publish causes, written in the publish's own transaction, then delivered by
            // whichever server claims it (status 'sending' with a lease), retried with backoff, marked sent or failed.
            """
            CREATE TABLE outbox (
                id TEXT PRIMARY KEY,
                district_id TEXT NOT NULL,
                batch TEXT NOT NULL,
                week TEXT,
                created_at TEXT NOT NULL,
                person TEXT NOT NULL,
                recipient TEXT NOT NULL,
                recipient_name TEXT NOT NULL,
                delivery TEXT NOT NULL,
                cause TEXT NOT NULL,
                summary TEXT NOT NULL,
                subject TEXT NOT NULL,
                message_id TEXT NOT NULL,
                message TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                next_attempt_at TEXT NOT NULL,
                claimed_by TEXT,
                claimed_until TEXT,
                last_error TEXT,
                sent_at TEXT
            )
            """,
            "CREATE INDEX outbox_due ON outbox(district_id, status, next_attempt_at)",
            "CREATE INDEX outbox_by_batch ON outbox(district_id, batch)",
            "CREATE INDEX outbox_by_week ON outbox(district_id, week, created_at)",
        ],
        [
            // Sign-in failures counted per login name and per client address ('name:…', 'addr:…'), for growing
            // delays instead of a lock; rows older than the counting window are purged.
            """
            CREATE TABLE sign_in_throttle (
                district_id TEXT NOT NULL,
                subject TEXT NOT NULL,
                failures BIGINT NOT NULL,
                last_at TEXT NOT NULL,
                PRIMARY KEY (district_id, subject)
            )
            """,
            "CREATE INDEX sign_in_throttle_by_time ON sign_in_throttle(last_at)",
            "DROP TABLE sign_in_failures",
            // The rehearsal clock kept with the data: how far it reads from the real clock, so that the server and
            // every office command on the same data read the same time.
            """
            CREATE TABLE rehearsal_clock (
                id TEXT PRIMARY KEY,
                offset_ms BIGINT NOT NULL,
                set_at TEXT NOT NULL
            )
            """,
        ],
        [
            // The week's last publish or cancellation as the office may undo it: the sessions it changed as they were
            // before, and the SEQUENCE of every published session right after it (an undo is refused once they moved).
            """
            CREATE TABLE week_undo (
                district_id TEXT NOT NULL,
                week TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (district_id, week)
            )
            """,
        ],
    ]
}
