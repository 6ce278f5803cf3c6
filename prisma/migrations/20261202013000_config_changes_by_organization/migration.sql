-- Configuration changes are announced with the organization they belong to, so an instance
-- drops only that organization's cached entries: with the table's name, every announcement
-- cleared every tenant's entries, and one tenant renaming a key four times a second made
-- every other tenant's next requests wait on their reloads.
--
-- The payload is the organization's id, or '' for a change that is not one organization's (a
-- flag, a limiter setting, an operator's price override or alias, a TRUNCATE): every entry then
-- goes. A key or a project's flag override whose project is gone announces nothing: the key was
-- deleted with its project (the foreign key allows nothing else), and the project's own trigger
-- names the organization; an override for no project is in no cached entry. So deleting a project
-- drops only its organization's entries, not every tenant's.
-- Row-level triggers, because a statement-level one cannot see the rows it changed; NOTIFY
-- sends identical payloads of one transaction once, so a statement changing many rows of one
-- organization still announces it once. Delivered at commit, as before.
CREATE FUNCTION keyplane_config_organization(tbl text, r jsonb) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE tbl
    WHEN 'Organization' THEN r->>'id'
    WHEN 'GatewayKey' THEN (SELECT "organizationId" FROM "Project" WHERE "id" = r->>'projectId')
    -- Cached inside its project's keys' identities, under the project's organization (its own
    -- organizationId is a copy that a project moved by hand would leave behind).
    WHEN 'AttributionBudget' THEN coalesce((SELECT "organizationId" FROM "Project" WHERE "id" = r->>'projectId'), r->>'organizationId')
    WHEN 'FeatureFlagOverride' THEN CASE WHEN r->>'scope' = 'ORGANIZATION' THEN r->>'scopeId'
      ELSE (SELECT "organizationId" FROM "Project" WHERE "id" = r->>'scopeId') END
    WHEN 'FeatureFlag' THEN ''
    WHEN 'ProviderSetting' THEN ''
    ELSE coalesce(r->>'organizationId', '') END
$$;

CREATE FUNCTION keyplane_config_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_organization text;
  new_organization text;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_organization := keyplane_config_organization(TG_TABLE_NAME, to_jsonb(OLD)); END IF;
  IF TG_OP <> 'DELETE' THEN new_organization := keyplane_config_organization(TG_TABLE_NAME, to_jsonb(NEW)); END IF;
  IF old_organization IS NOT NULL THEN PERFORM pg_notify('keyplane_config', old_organization); END IF;
  IF new_organization IS NOT NULL THEN PERFORM pg_notify('keyplane_config', new_organization); END IF;
  RETURN NULL;
END
$$;

-- TRUNCATE has no rows: everything.
CREATE OR REPLACE FUNCTION keyplane_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('keyplane_config', '');
  RETURN NULL;
END
$$;

-- Settlement updates an organization's balance and reservations on every request: only the
-- columns the gateway caches announce a change.
DROP TRIGGER "Organization_config_changed" ON "Organization";
CREATE TRIGGER "Organization_config_changed"
  AFTER INSERT OR DELETE OR UPDATE OF "hostedCostMultiplier", "byokFeeRate", "allowedModels", "deniedModels"
  ON "Organization" FOR EACH ROW EXECUTE FUNCTION keyplane_config_row_changed();
CREATE TRIGGER "Organization_config_truncated" AFTER TRUNCATE ON "Organization" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['Project', 'GatewayKey', 'AttributionBudget', 'ProviderKey', 'CustomProvider', 'ProviderSetting',
    'FeatureFlag', 'FeatureFlagOverride', 'ModelPriceOverride', 'ModelAlias']
  LOOP
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_config_changed', t);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION keyplane_config_row_changed()',
      t || '_config_changed', t);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed()',
      t || '_config_truncated', t);
  END LOOP;
END
$$;
