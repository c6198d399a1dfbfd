-- Server-wide secrets the process generates when the configuration gives none, shared by every
-- replica on the same database: `export_links` signs the /exports/<token> download links of
-- /export (HMAC-SHA256). The first process to need one inserts it; the others read that row.
CREATE TABLE server_secrets (
    name       TEXT   PRIMARY KEY,
    value      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
