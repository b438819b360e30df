-- Which organisation (tenant) a user belongs to. The session's user decides the tenant of every request: never a
-- header or a query string. NULL is a user of no organisation: a platform administrator (with the admin role), platform
-- staff maintaining shared master data, or a trader who signed up and has not been added to an organisation yet.
-- An organisation with members cannot be deleted (its members would otherwise turn into users of no organisation).
ALTER TABLE users ADD COLUMN organization_id uuid REFERENCES organizations (id);
CREATE INDEX users_organization_idx ON users (organization_id);
