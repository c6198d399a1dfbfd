-- Keys of the REST API (/api/v1, bot/api/).
--
-- A key reads "inmk_<prefix>_<secret>". Only its public prefix (the lookup, UNIQUE across
-- workspaces) and the SHA-256 of the whole key (lower-case hex) are stored: the key is shown once
-- by `inmaek api-key create` and cannot be recovered from the database. role: what the key may
-- do in its workspace (member reads, manager writes, admin deletes). last_used_at: the latest
-- request, recorded at most once a minute. revoked_at: NULL while the key is valid.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id),
    prefix       TEXT    NOT NULL UNIQUE,
    secret_hash  TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('member', 'manager', 'admin')),
    label        TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);
