-- A user's history in the audit trail (issue 19.6) also lists the changes
-- of the nominations naming them: find those without scanning.
CREATE INDEX nominations_user_idx ON nominations (user_id);
