-- A configuration change is announced with its table as well as its organization, on a channel
-- of its own: keyplane_config_changes, '<table>:<organization>' ('<table>:' for everyone's). An
-- instance then drops only the cached entries read from that table. Without it every
-- announcement dropped the entries that are no one organization's, among them the catalog's
-- snapshot of price overrides and aliases, which every request reads: one tenant creating a
-- gateway key four times a second made every other tenant's requests wait on the snapshot's
-- reload four times a second.
-- The bare organization still goes out on keyplane_config, which instances of the release
-- before this one listen on: during a rolling upgrade they would read the new payload as an
-- organization of that name, whose entries do not exist, and keep what a change replaced.
CREATE OR REPLACE FUNCTION keyplane_config_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_organization text;
  new_organization text;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_organization := keyplane_config_organization(TG_TABLE_NAME, to_jsonb(OLD)); END IF;
  IF TG_OP <> 'DELETE' THEN new_organization := keyplane_config_organization(TG_TABLE_NAME, to_jsonb(NEW)); END IF;
  IF old_organization IS NOT NULL THEN
    PERFORM pg_notify('keyplane_config_changes', TG_TABLE_NAME || ':' || old_organization);
    PERFORM pg_notify('keyplane_config', old_organization);
  END IF;
  IF new_organization IS NOT NULL THEN
    PERFORM pg_notify('keyplane_config_changes', TG_TABLE_NAME || ':' || new_organization);
    PERFORM pg_notify('keyplane_config', new_organization);
  END IF;
  RETURN NULL;
END
$$;

-- TRUNCATE has no rows: everyone's rows of that table.
CREATE OR REPLACE FUNCTION keyplane_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('keyplane_config_changes', TG_TABLE_NAME || ':');
  PERFORM pg_notify('keyplane_config', '');
  RETURN NULL;
END
$$;
