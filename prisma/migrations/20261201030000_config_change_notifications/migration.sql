-- Every committed change to what the gateway caches on its request path (gateway keys, projects,
-- organizations' settings, stored keys, custom providers, limiter settings, flags, budgets,
-- price overrides and aliases) is announced on the channel keyplane_config. PostgreSQL delivers
-- a NOTIFY only when its transaction commits, so an instance that clears its caches on one
-- reads the change. Statement-level: one notification per statement, and identical ones within
-- a transaction are sent once.
CREATE FUNCTION keyplane_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('keyplane_config', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

-- Settlement updates an organization's balance and reservations on every request: only the
-- columns the gateway caches announce a change.
CREATE TRIGGER "Organization_config_changed"
  AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "hostedCostMultiplier", "byokFeeRate", "allowedModels", "deniedModels"
  ON "Organization" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();

CREATE TRIGGER "Project_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Project" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "GatewayKey_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "GatewayKey" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "AttributionBudget_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "AttributionBudget" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "ProviderKey_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ProviderKey" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "CustomProvider_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CustomProvider" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "ProviderSetting_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ProviderSetting" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "FeatureFlag_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "FeatureFlag" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "FeatureFlagOverride_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "FeatureFlagOverride" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "ModelPriceOverride_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ModelPriceOverride" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
CREATE TRIGGER "ModelAlias_config_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ModelAlias" FOR EACH STATEMENT EXECUTE FUNCTION keyplane_config_changed();
