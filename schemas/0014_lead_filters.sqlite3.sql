-- /leads with company: or industry: (storage/sql_lead_repository.cpp, LeadQuery). Those filters
-- start from the companies, and an industry names many of them: 625 of 5,000 companies and
-- 12,500 of 100,000 leads in the benchmark, of which the lead's own conditions (value, since)
-- keep one in ten. Checking each of those leads in the leads table was a row read per lead,
-- twice (count and page). So lead_companies carries a copy of its lead's filtered columns, and
-- one index of the links by company holds them: the lead's conditions are checked in the index
-- and only the leads that pass are read.
--
-- Derived data, kept by the triggers below: a link takes the columns of its lead when it is
-- written without them (a link written with them, as a copy of a database does, keeps them);
-- a change of one of them in a lead is copied to its links. The PostgreSQL sibling has the same
-- columns and triggers.
ALTER TABLE lead_companies ADD COLUMN stage TEXT;
ALTER TABLE lead_companies ADD COLUMN owner_id BIGINT;
ALTER TABLE lead_companies ADD COLUMN value_currency TEXT;
ALTER TABLE lead_companies ADD COLUMN value_amount BIGINT;
ALTER TABLE lead_companies ADD COLUMN created_at BIGINT;
ALTER TABLE lead_companies ADD COLUMN due TEXT;

UPDATE lead_companies
SET (stage, owner_id, value_currency, value_amount, created_at, due) =
    (SELECT l.stage, l.owner_id, l.value_currency, l.value_amount, l.created_at, l.due
     FROM leads l WHERE l.workspace_id = lead_companies.workspace_id AND l.id = lead_companies.lead_id);

CREATE TRIGGER lead_companies_copy_lead AFTER INSERT ON lead_companies WHEN NEW.stage IS NULL
BEGIN
    UPDATE lead_companies
    SET (stage, owner_id, value_currency, value_amount, created_at, due) =
        (SELECT l.stage, l.owner_id, l.value_currency, l.value_amount, l.created_at, l.due
         FROM leads l WHERE l.workspace_id = NEW.workspace_id AND l.id = NEW.lead_id)
    WHERE lead_id = NEW.lead_id AND position = NEW.position;
END;

CREATE TRIGGER leads_copy_to_companies
AFTER UPDATE OF stage, owner_id, value_currency, value_amount, created_at, due ON leads
WHEN OLD.stage IS NOT NEW.stage OR OLD.owner_id IS NOT NEW.owner_id
  OR OLD.value_currency IS NOT NEW.value_currency OR OLD.value_amount IS NOT NEW.value_amount
  OR OLD.created_at IS NOT NEW.created_at OR OLD.due IS NOT NEW.due
BEGIN
    UPDATE lead_companies
    SET stage = NEW.stage, owner_id = NEW.owner_id, value_currency = NEW.value_currency,
        value_amount = NEW.value_amount, created_at = NEW.created_at, due = NEW.due
    WHERE lead_id = NEW.id;
END;

-- Starts with the columns of lead_companies_company, which it replaces (the primary key,
-- lead_id and position, is part of every index of this WITHOUT ROWID table). created_at comes
-- next: since: and until: make a range of each company's links, whatever else is asked.
CREATE INDEX lead_companies_filter ON lead_companies
    (workspace_id, company_id, created_at, stage, value_currency, value_amount, owner_id, due);
DROP INDEX lead_companies_company;
