-- Sort orders of the users lists (issue 19): one index per key, the id
-- breaking ties, a missing value first (so that a backward scan gives the
-- descending order with it last, as db.UserService.FindUsers sorts). The
-- expressions must stay identical to db/user.go's userOrderColumns.
--
-- EXPLAIN (ANALYZE) on 8,000 users in 200 tenants: without them a
-- platform-wide page sorted every user (Seq Scan, 8,000 rows, top-N sort);
-- with them it reads the page's 51 index entries. A tenant's page keeps
-- reading its members (memberships_tenant_id_user_id_key) and sorting them
-- when it has few; for a large tenant the planner walks the index below and
-- probes each user's membership.
CREATE INDEX users_order_created_idx ON users (created_at NULLS FIRST, id);
CREATE INDEX users_order_sign_in_idx ON users (last_login_at NULLS FIRST, id);
CREATE INDEX users_order_email_idx ON users (lower(email) NULLS FIRST, id);
CREATE INDEX users_order_name_idx ON users ((given_name || ' ' || family_name) NULLS FIRST, id);
