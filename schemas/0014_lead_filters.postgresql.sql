-- /leads with company: or industry: read the lead's filtered columns from a copy in
-- lead_companies, checked in one index of the links by company: see the SQLite sibling for why.
ALTER TABLE lead_companies ADD COLUMN stage TEXT;
ALTER TABLE lead_companies ADD COLUMN owner_id BIGINT;
ALTER TABLE lead_companies ADD COLUMN value_currency TEXT;
ALTER TABLE lead_companies ADD COLUMN value_amount BIGINT;
ALTER TABLE lead_companies ADD COLUMN created_at BIGINT;
ALTER TABLE lead_companies ADD COLUMN due TEXT;

UPDATE lead_companies lc
SET stage = l.stage, owner_id = l.owner_id, value_currency = l.value_currency,
    value_amount = l.value_amount, created_at = l.created_at, due = l.due
FROM leads l WHERE l.workspace_id = lc.workspace_id AND l.id = lc.lead_id;

-- A link written without the columns (stage is never NULL in a lead) takes its lead's.
CREATE FUNCTION lead_companies_copy_lead() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stage IS NULL THEN
        SELECT l.stage, l.owner_id, l.value_currency, l.value_amount, l.created_at, l.due
        INTO NEW.stage, NEW.owner_id, NEW.value_currency, NEW.value_amount, NEW.created_at,
             NEW.due
        FROM leads l WHERE l.workspace_id = NEW.workspace_id AND l.id = NEW.lead_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER lead_companies_copy_lead BEFORE INSERT ON lead_companies
    FOR EACH ROW EXECUTE FUNCTION lead_companies_copy_lead();

CREATE FUNCTION leads_copy_to_companies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lead_companies
    SET stage = NEW.stage, owner_id = NEW.owner_id, value_currency = NEW.value_currency,
        value_amount = NEW.value_amount, created_at = NEW.created_at, due = NEW.due
    WHERE lead_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER leads_copy_to_companies
    AFTER UPDATE OF stage, owner_id, value_currency, value_amount, created_at, due ON leads
    FOR EACH ROW
    WHEN (OLD.stage IS DISTINCT FROM NEW.stage OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
          OR OLD.value_currency IS DISTINCT FROM NEW.value_currency
          OR OLD.value_amount IS DISTINCT FROM NEW.value_amount
          OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.due IS DISTINCT FROM NEW.due)
    EXECUTE FUNCTION leads_copy_to_companies();

-- Starts with the columns of lead_companies_company, which it replaces; lead_id makes it
-- enough for an index-only scan.
CREATE INDEX lead_companies_filter ON lead_companies
    (workspace_id, company_id, created_at, stage, value_currency, value_amount, owner_id, due)
    INCLUDE (lead_id);
DROP INDEX lead_companies_company;
