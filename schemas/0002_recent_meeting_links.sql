-- Cards show a company's or a person's latest meetings. Indexing the links by meeting id lets
-- that query read only the most recently logged links instead of every meeting ever held with
-- a large customer. The new indexes start with the old ones' columns, which they replace.
CREATE INDEX meeting_companies_recent ON meeting_companies (workspace_id, company_id, meeting_id);
DROP INDEX meeting_companies_company;
CREATE INDEX meeting_contacts_recent ON meeting_contacts (workspace_id, contact_id, meeting_id);
DROP INDEX meeting_contacts_contact;
